package com.infrafabric.deploy;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.deploy.cli.CommandGroup;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code infrafabric tool init}: starts a tool project on the SDKs (see {@link ToolScaffold}). */
@Command(
    name = "tool",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "tool init: write a new tool project (contract, source on the SDK, build.sh).",
    subcommands = ToolCli.Init.class)
final class ToolCli extends CommandGroup {

  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      synopsisHeading = "",
      customSynopsis = ToolScaffold.USAGE + "%n",
      description = "Write a new tool project: contract, source on the SDK, build.sh, test.sh.")
  static final class Init implements Callable<Integer> {

    private final CliContext context;

    @Option(
        names = "--lang",
        required = true,
        paramLabel = "LANG",
        converter = LanguageConverter.class,
        description = "rust, assemblyscript or c")
    private ToolScaffold.Language language;

    @Option(names = "--dir", paramLabel = "DIR", description = "where (default: ./NAME)")
    private Path directory;

    @Parameters(paramLabel = "NAME", description = "the tool's name, as in its contract")
    private String name;

    Init(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Path target = directory == null ? Path.of(name) : directory;
      ToolScaffold.init(language, name, target);
      context
          .out()
          .println("wrote a " + language.name().toLowerCase(Locale.ROOT) + " tool in " + target);
      context.out().println("next: cd " + target + " && ./build.sh && ./test.sh");
      return 0;
    }
  }

  /** Reads {@code --lang} with the scaffold's own sentence for a language it does not know. */
  static final class LanguageConverter implements ITypeConverter<ToolScaffold.Language> {
    @Override
    public ToolScaffold.Language convert(String value) {
      try {
        return ToolScaffold.Language.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}

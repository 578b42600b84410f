package com.infrafabric.chassis.internal.module;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.SectionId;
import com.dylibso.chicory.wasm.types.ValType;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.MalformedModuleException;
import com.infrafabric.chassis.ModuleCaps;
import com.infrafabric.chassis.UnlinkableModuleException;
import com.infrafabric.hostapi.abi.Abi;
import com.infrafabric.hostapi.abi.HostFunction;
import com.infrafabric.hostapi.abi.Signature;
import com.infrafabric.hostapi.abi.ValueType;
import com.infrafabric.hostapi.contract.CapabilityKind;
import com.infrafabric.hostapi.contract.HttpCapability;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.hostapi.contract.ServiceContract;
import java.io.ByteArrayInputStream;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything checked before a module may run, in order of cost: caps on the raw bytes ({@link
 * ModuleScan}), parsing and validation, caps on branches before they are compiled ({@link
 * BranchTargets}), disabled features, imports against the ABI and the contract (deny by default,
 * exact signatures), the entry point, declared memory and table sizes against the contract, and
 * active segments against those sizes ({@link SegmentBounds}).
 */
public final class ModuleValidator {

  private static final FunctionType RUN = FunctionType.of(List.of(), List.of(ValType.I32));
  private static final FunctionType START = FunctionType.of(List.of(), List.of());

  private final ModuleCaps caps;

  public ModuleValidator(ModuleCaps caps) {
    this.caps = caps;
  }

  /**
   * Checks the bytes' shape ({@link ModuleScan}), then parses them and checks the module for {@code
   * contract}.
   *
   * @throws MalformedModuleException, LimitExceededException or UnlinkableModuleException naming
   *     the first problem
   */
  public ValidatedModule validate(byte[] bytes, ServiceContract contract) {
    ModuleScan.scan(bytes, caps);
    WasmModule module = parse(bytes);
    BranchTargets.check(module, caps);
    return check(module, ModuleDigest.of(bytes), contract);
  }

  /**
   * The checks that depend on the contract, for a module whose bytes passed {@link
   * #validate(byte[], ServiceContract)} before (for another contract or another node).
   */
  public ValidatedModule check(WasmModule module, ModuleDigest digest, ServiceContract contract) {
    FeaturePolicy.check(module);
    Set<HostFunction> hostImports = EnumSet.noneOf(HostFunction.class);
    Set<String> wasiImports = new HashSet<>();
    for (int i = 0; i < module.importSection().importCount(); i++) {
      checkImport(module, module.importSection().getImport(i), contract, hostImports, wasiImports);
    }
    EntryPoint entryPoint = entryPoint(module, contract);
    if (module.importSection().importCount() > 0 && !exportsMemory(module)) {
      throw malformed("module imports host functions but exports no memory named memory");
    }
    checkDeclaredSizes(module, contract);
    SegmentBounds.check(module);
    return new ValidatedModule(module, digest, entryPoint, hostImports, wasiImports);
  }

  /**
   * Parses every section but custom ones, which the chassis never reads (the name section alone
   * could otherwise become a map entry per two bytes). Whatever the parser throws on bytes that
   * passed the scan is a malformed module, whichever exception it chose.
   */
  private static WasmModule parse(byte[] bytes) {
    Parser.Builder parser = Parser.builder();
    for (int section = SectionId.TYPE; section <= SectionId.TAG; section++) {
      parser.includeSectionId(section);
    }
    try {
      return parser.build().parse(() -> new ByteArrayInputStream(bytes));
    } catch (ChicoryException e) {
      throw malformed("module does not parse: " + e.getMessage());
    } catch (RuntimeException e) {
      throw malformed("module does not parse: its contents do not match their declared sizes");
    }
  }

  private static void checkImport(
      WasmModule module,
      Import imported,
      ServiceContract contract,
      Set<HostFunction> hostImports,
      Set<String> wasiImports) {
    String name = imported.module() + '.' + imported.name();
    if (imported.importType() != ExternalType.FUNCTION) {
      throw unlinkable(
          "import "
              + name
              + " is a "
              + imported.importType().name().toLowerCase()
              + "; modules may import functions only");
    }
    FunctionType type = type(module, ((FunctionImport) imported).typeIndex(), "import " + name);
    if (imported.module().equals(Abi.IMPORT_MODULE)) {
      hostImports.add(hostFunction(imported.name(), name, type, contract));
    } else if (imported.module().equals(Abi.WASI_MODULE)) {
      checkWasi(imported.name(), name, type, contract);
      wasiImports.add(imported.name());
    } else {
      throw unlinkable(
          "import "
              + name
              + " is from module "
              + imported.module()
              + "; only "
              + Abi.IMPORT_MODULE
              + " and "
              + Abi.WASI_MODULE
              + " are linked");
    }
  }

  private static HostFunction hostFunction(
      String importName, String name, FunctionType type, ServiceContract contract) {
    HostFunction function =
        HostFunction.byImportName(importName)
            .orElseThrow(() -> unlinkable("import " + name + " is not defined by the ABI"));
    Signature actual = signature(type);
    if (!actual.equals(function.signature())) {
      throw unlinkable(
          "import "
              + name
              + " has type "
              + actual
              + " but the ABI defines "
              + function.signature());
    }
    requireGranted(contract, function.capability(), name);
    if (function == HostFunction.HTTP_REQUEST_WITH_CREDENTIAL && !namesCredentials(contract)) {
      throw unlinkable(
          "import " + name + " needs http.credentials, which the contract does not list");
    }
    return function;
  }

  private static boolean namesCredentials(ServiceContract contract) {
    return contract
        .capability(HttpCapability.class)
        .map(http -> !http.credentials().isEmpty())
        .orElse(false);
  }

  private static void checkWasi(
      String importName, String name, FunctionType type, ServiceContract contract) {
    FunctionType expected =
        WasiSignatures.of(importName)
            .orElseThrow(() -> unlinkable("import " + name + " is not a WASI preview 1 function"));
    if (!expected.equals(type)) {
      throw unlinkable("import " + name + " does not have the WASI preview 1 type");
    }
    requireGranted(contract, CapabilityKind.WASI, name);
  }

  private static void requireGranted(ServiceContract contract, CapabilityKind kind, String name) {
    if (!contract.grants(kind)) {
      throw unlinkable(
          "import "
              + name
              + " needs capability "
              + kind.jsonName()
              + ", which the contract does not grant");
    }
  }

  private static Signature signature(FunctionType type) {
    return new Signature(valueTypes(type.params()), valueTypes(type.returns()));
  }

  /** Maps to ABI types; anything else becomes a type no ABI function has, so it cannot match. */
  private static List<ValueType> valueTypes(List<ValType> types) {
    if (!types.stream().allMatch(t -> t.equals(ValType.I32) || t.equals(ValType.I64))) {
      return List.of(ValueType.I64, ValueType.I64, ValueType.I64, ValueType.I64, ValueType.I64);
    }
    return types.stream().map(t -> t.equals(ValType.I32) ? ValueType.I32 : ValueType.I64).toList();
  }

  private static EntryPoint entryPoint(WasmModule module, ServiceContract contract) {
    FunctionType run = exportedFunctionType(module, Abi.ENTRY_POINT);
    if (run != null) {
      if (!RUN.equals(run)) {
        throw malformed("export run must have type () -> i32");
      }
      return EntryPoint.ABI;
    }
    FunctionType start = exportedFunctionType(module, Abi.WASI_ENTRY_POINT);
    if (start != null && START.equals(start)) {
      requireGranted(contract, CapabilityKind.WASI, "_start (a WASI command)");
      return EntryPoint.WASI_COMMAND;
    }
    throw malformed("module exports neither run: () -> i32 nor _start: () -> ()");
  }

  private static FunctionType exportedFunctionType(WasmModule module, String name) {
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      Export export = module.exportSection().getExport(i);
      if (export.name().equals(name) && export.exportType() == ExternalType.FUNCTION) {
        int index = export.index();
        int imported = module.importSection().count(ExternalType.FUNCTION);
        int defined = module.functionSection().functionCount();
        if (index < 0 || index - imported >= defined) {
          throw malformed("export " + name + " names function " + index + ", which does not exist");
        }
        int typeIndex =
            index < imported
                ? functionImportType(module, index)
                : module.functionSection().getFunctionType(index - imported);
        return type(module, typeIndex, "export " + name);
      }
    }
    return null;
  }

  /**
   * The function type at {@code index}. Chicory's validation does not always reach an index before
   * these checks do, so it is bounded here; a module naming a type it lacks is malformed.
   */
  private static FunctionType type(WasmModule module, int index, String user) {
    if (index < 0 || index >= module.typeSection().subTypeCount()) {
      throw malformed(user + " names type " + index + ", which does not exist");
    }
    return module.typeSection().getType(index);
  }

  private static int functionImportType(WasmModule module, int functionIndex) {
    return module.importSection().stream()
        .filter(i -> i.importType() == ExternalType.FUNCTION)
        .skip(functionIndex)
        .map(i -> ((FunctionImport) i).typeIndex())
        .findFirst()
        .orElseThrow();
  }

  private static boolean exportsMemory(WasmModule module) {
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      Export export = module.exportSection().getExport(i);
      if (export.name().equals(Abi.MEMORY_EXPORT) && export.exportType() == ExternalType.MEMORY) {
        return true;
      }
    }
    return false;
  }

  private static void checkDeclaredSizes(WasmModule module, ServiceContract contract) {
    int maxPages = contract.limits().memoryMaxPages();
    module
        .memorySection()
        .filter(section -> section.memoryCount() == 1)
        .map(section -> section.getMemory(0).limits().initialPages())
        .filter(initial -> initial > maxPages)
        .ifPresent(
            initial -> {
              throw new LimitExceededException(
                  ErrorCode.MODULE_TOO_LARGE,
                  "module declares "
                      + initial
                      + " initial memory pages, above the contract's memory.maxPages of "
                      + maxPages);
            });
    int maxEntries = contract.limits().tableMaxEntries();
    for (int i = 0; i < module.tableSection().tableCount(); i++) {
      long entries = module.tableSection().getTable(i).limits().min();
      if (entries > maxEntries) {
        throw new LimitExceededException(
            ErrorCode.MODULE_TOO_LARGE,
            "module declares a table of "
                + entries
                + " entries, above the contract's table.maxEntries of "
                + maxEntries);
      }
    }
  }

  private static MalformedModuleException malformed(String message) {
    return new MalformedModuleException(ErrorCode.MALFORMED_MODULE, message);
  }

  private static UnlinkableModuleException unlinkable(String message) {
    return new UnlinkableModuleException(ErrorCode.UNLINKABLE_IMPORT, message);
  }
}

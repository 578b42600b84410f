#!/usr/bin/env bash
# Builds the root filesystem the OCI image adds to an empty ("scratch") base: a jlink'ed Java
# runtime with only the modules the distribution uses, the shared libraries it links against, taken
# from this (Debian) build host, the CA certificates, and a passwd entry for the unprivileged user.
# No registry is contacted: the image depends on nothing but this host's JDK and libraries.
#   runtime-root.sh JAR JAVA_HOME OUT
set -euo pipefail
jar="$1"
jdk="$2"
root="$3"
uid=65532

rm -rf "$root"
mkdir -p "$root/etc" "$root/tmp" "$root/var/lib/infrafabric"

# jdeps finds the modules the classes name; those reached only through services are added by hand:
# EC keys and TLS groups (jdk.crypto.ec: ES256 tokens, rediss://, https egress), JNDI DNS.
modules="$("$jdk/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps "$jar")"
"$jdk/bin/jlink" \
  --add-modules "$modules,jdk.crypto.ec,jdk.naming.dns" \
  --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$root/opt/java"

# A distribution's JDK may keep its security files outside java.home (Debian links cacerts to
# /etc/ssl/certs/java): the image gets real copies.
for file in "$root"/opt/java/lib/security/* "$root"/opt/java/conf/security/java.security; do
  [ -L "$file" ] && cp --remove-destination -L "$(readlink -f "$file")" "$file"
done
if [ ! -s "$root/opt/java/lib/security/cacerts" ]; then
  cp -L "$jdk/lib/security/cacerts" "$root/opt/java/lib/security/cacerts"
fi

# Every shared library the runtime's executables and libraries load from the system, at the path
# the dynamic loader looks for it (symlinks resolved: the image carries plain files). The service is
# headless: java.desktop is there for java.beans, but not the X11, sound and font libraries its AWT
# parts would load.
find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper \) \
  ! -name libawt_xawt.so ! -name libsplashscreen.so ! -name libjsound.so \
  ! -name libfontmanager.so ! -name liblcms.so ! -name libjavajpeg.so -print0 |
  xargs -0 ldd 2>/dev/null |
  awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' |
  grep -v "^$root" | sort -u |
  while read -r library; do
    mkdir -p "$root$(dirname "$library")"
    cp -L "$library" "$root$library"
  done

printf 'root:x:0:0:root:/root:/sbin/nologin\ninfrafabric:x:%s:%s:InfraFabric:/var/lib/infrafabric:/sbin/nologin\n' \
  "$uid" "$uid" >"$root/etc/passwd"
printf 'root:x:0:\ninfrafabric:x:%s:\n' "$uid" >"$root/etc/group"

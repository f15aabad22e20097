#!/usr/bin/env bash
# Puts OpenJDK 21 where the build's JDK 21 test run looks for it: DEST/bin/java (DEST: the first argument, else
# ~/.cache/multitag/jdk21). Debian 12 has no JDK 21, so this takes Debian 13's openjdk-21-jre-headless; that build
# needs a newer glibc than Debian 12's, so Debian 13's libc (and libstdc++, libgcc, zlib) come along into DEST/lib
# and DEST/bin/java starts the JVM through that libc's own loader. apt only downloads (its lists in a temporary
# folder, from the Debian mirror the machine is set up with): nothing on the system is installed or changed.
# Exits 0 at once when DEST holds this script's current layout and its java runs.
set -euo pipefail
dest="${1:-$HOME/.cache/multitag/jdk21}"
layout=2   # bump when what this script writes changes, so older copies are replaced
if [ "$(cat "$dest/layout" 2>/dev/null)" = "$layout" ] && "$dest/bin/java" -version >/dev/null 2>&1; then
  exit 0
fi

# The machine's own Debian mirror, from its deb822 or one-line sources.
mirror="$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
if [ -z "$mirror" ]; then
  mirror="$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) {print $i; exit}}' \
    /etc/apt/sources.list 2>/dev/null || true)"
fi
[ -n "$mirror" ] || { echo "error: no Debian mirror in /etc/apt/sources.list*" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs" "$work/root"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$work/sources.list"
apt_opts=(-q -o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/none"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "APT::Sandbox::User=root")
apt-get "${apt_opts[@]}" update >/dev/null
(cd "$work/debs" && apt-get "${apt_opts[@]}" download openjdk-21-jre-headless libc6 libstdc++6 libgcc-s1 zlib1g \
  >/dev/null)
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/root"; done

jdk="$work/root/usr/lib/jvm/java-21-openjdk-amd64"
# Debian links the JDK's configuration to /etc/java-21-openjdk; point those links into the unpacked copy.
find "$jdk" -type l -lname '/*' | while read -r link; do
  target="$work/root$(readlink "$link")"
  if [ -e "$target" ]; then rm "$link" && cp -L "$target" "$link"; fi
done

rm -rf "$dest.new" && mkdir -p "$dest.new/bin"
mv "$jdk" "$dest.new/jdk"
cp -a "$work/root/usr/lib/x86_64-linux-gnu" "$dest.new/lib"
cp "$dest.new/jdk/release" "$dest.new/release"   # tools (surefire) read the Java version from it
cat > "$dest.new/bin/java" <<'WRAPPER'
#!/bin/sh
# Debian 13's OpenJDK 21 on an older system: started through Debian 13's own glibc loader. Child processes are
# forked straight from the JVM (launchMechanism=FORK): the default goes through lib/jspawnhelper, which the
# system's loader would start and fail on.
home="$(cd "$(dirname "$0")/.." && pwd)"
exec "$home/lib/ld-linux-x86-64.so.2" --library-path "$home/lib:$home/jdk/lib:$home/jdk/lib/server" \
  "$home/jdk/bin/java" -Djdk.lang.Process.launchMechanism=FORK "$@"
WRAPPER
chmod +x "$dest.new/bin/java"
echo "$layout" > "$dest.new/layout"
"$dest.new/bin/java" -version
rm -rf "$dest" && mv "$dest.new" "$dest"

#!/usr/bin/env bash
# Reproducible builds: builds every published module twice from clean and compares each artifact
# (jar, -sources, -javadoc, the CLI's -all jar, the CycloneDX SBOMs) byte for byte. A difference
# means something in the build depends on the time, the machine or the order of a directory
# listing; project.build.outputTimestamp in the root pom is what keeps archive entries stable.
#
# It also checks that each published jar module is a named module and is listed in the BOM.
#
# Published modules are found, not listed: every <module> of the root pom whose pom does not set
# idtoken.unpublished to true. Tests are skipped: only the artifacts matter here.
set -euo pipefail
cd "$(dirname "$0")/.."

published=()
for module in $(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml); do
  if ! grep -q '<idtoken.unpublished>true</idtoken.unpublished>' "$module/pom.xml"; then
    published+=("$module")
  fi
done
modules=$(IFS=,; echo "${published[*]}")
echo "reproducible: building ${modules} twice"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build() {
  local into=$1
  ./mvnw -q -B -pl "$modules" -am -DskipTests clean package
  for module in "${published[@]}"; do
    mkdir -p "$into/$module"
    for file in "$module"/target/*.jar "$module"/target/bom.json "$module"/target/bom.xml; do
      if [ -f "$file" ]; then
        cp "$file" "$into/$module/"
      fi
    done
  done
}

build "$work/first"
build "$work/second"

# Every published jar module is a named JPMS module and is listed in the BOM.
missing=0
for module in "${published[@]}"; do
  artifact=$(sed -n 's:^  <artifactId>\(.*\)</artifactId>:\1:p' "$module/pom.xml" | head -1)
  if ls "$work/first/$module/$artifact-"*.jar >/dev/null 2>&1; then
    main_jar=$(ls "$work/first/$module/$artifact-"*.jar | grep -v -e '-sources.jar$' -e '-javadoc.jar$' -e '-all.jar$' -e '-tests.jar$' | head -1)
    jar tf "$main_jar" > "$work/listing"
    # A named module: a module-info, or (where a framework ships no stable module names for its
    # own jars, Spring, Lettuce's Netty) an Automatic-Module-Name in the manifest.
    description=$(jar --describe-module --file "$main_jar")
    if ! grep -q '^dev\.idtoken\.' <<< "$description"; then
      echo "reproducible: $module is published but is no named module (module-info or Automatic-Module-Name)" >&2
      missing=$((missing + 1))
    fi
    if ! grep -q "<artifactId>$artifact</artifactId>" validator-bom/pom.xml; then
      echo "reproducible: $module is published but not listed in validator-bom/pom.xml" >&2
      missing=$((missing + 1))
    fi
  fi
done

count=0
different=0
for file in "$work"/first/*/*; do
  name=${file#"$work/first/"}
  count=$((count + 1))
  if ! cmp -s "$file" "$work/second/$name"; then
    different=$((different + 1))
    echo "reproducible: DIFFERS: $name"
    if [[ $name == *.jar ]]; then
      diff <(jar tvf "$file") <(jar tvf "$work/second/$name") | head -20 || true
    fi
  fi
done
if [ "$count" -eq 0 ]; then
  echo "reproducible: no artifacts were built" >&2
  exit 1
fi
if [ "$missing" -ne 0 ]; then
  exit 1
fi
if [ "$different" -ne 0 ]; then
  echo "reproducible: $different of $count artifacts differ between two builds" >&2
  exit 1
fi
echo "reproducible: $count artifacts identical across two builds"

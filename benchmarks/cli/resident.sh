#!/usr/bin/env bash
# The front and the resident engine beside the managed kiln (docs/performance.md, "Front and resident engine"):
# --version, a no-op with a warm engine, the first build after editing build.cs. Needs hyperfine; run ./kiln once
# before (it builds Kiln.Cli and publishes the NativeAOT front to artifacts/front/).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
export XDG_RUNTIME_DIR=$(mktemp -d) KILN_ENGINE=$repo/artifacts/bin/Kiln.Cli/release/Kiln.Cli NO_COLOR=1
front=$repo/artifacts/front/kiln
managed=$KILN_ENGINE
tree=$(mktemp -d)/c-hello
cp -r $repo/examples/c-hello $tree
rm -rf $tree/build $tree/.kiln/runs-* $tree/.kiln/scripts
cd $tree
uptime
$front build >/dev/null 2>&1
$front build 2>&1 | tail -1
hyperfine -N -w 3 -r 30 --export-markdown /tmp/b1.md "$front --version" "$managed --version"
uptime
hyperfine -N -w 3 -r 20 --export-markdown /tmp/b2.md "$front build" "$managed build"
uptime
hyperfine -w 1 -r 8 --export-markdown /tmp/b3.md --prepare "echo '// '\$RANDOM\$RANDOM >> build.cs" "$front build" "KILN_NO_SERVER=1 $front build"
uptime
KILN_ENGINE=$managed $managed server stop

#!/usr/bin/env bash
# Whole-process timings of `kiln` with hyperfine, side by side with `dotnet run build.cs` on the same script.
#   cached: a small tree where nothing needs a redo, script compiled before (target <= 150 ms)
#   edited: the script edited before every run, so it is recompiled (target <= 1.5 s)
#   dotnet-run: `dotnet run build.cs` (file-based app with #:project), warm, nothing to redo
# Usage: benchmarks/cli/run.sh [RUNS]   (prints a markdown table; needs hyperfine)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-20}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet publish "$repo/src/Kiln.Cli" -c Release -r linux-x64 --self-contained false -o "$work/kiln" -p:PublishReadyToRun=true -nologo -v quiet >/dev/null
kiln="$work/kiln/Kiln.Cli"

tree="$work/tree"
mkdir -p "$tree/.kiln" "$tree/src"
for i in $(seq 1 20); do echo "file $i" > "$tree/src/f$i.txt"; done
cat > "$tree/build.cs" <<CS
#:project $repo/src/Kiln/Kiln.csproj
using Kiln;
using Kiln.Paths;
using Kiln.Tools;

using (var context = new Context(rootPath: args.Length > 0 ? args[0] : null))
{
    for (var i = 1; i <= 20; i++)
        new Copy { Source = \$"src/f{i}.txt", Destination = \$"build/f{i}.txt" }.Start();
}

sealed class Copy : Tool<Copy>
{
    [Input.RegularFile] public required TreePath Source { get; init; }
    [Output.RegularFile] public required TreePath Destination { get; init; }

    protected override async Task<bool> RedoAsync(Copy result, RedoContext context)
    {
        using var t = context.Temporary();
        await File.WriteAllBytesAsync(context.NativePathOf(t.Path), await File.ReadAllBytesAsync(context.NativePathOf(Source)));
        context.ReplaceOutput(Destination, t.Path);
        return false;
    }
}
CS
cd "$tree"
"$kiln" build >/dev/null 2>&1
dotnet run build.cs -- "$tree" >/dev/null 2>&1

hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/cached.json" "$kiln build" >/dev/null
hyperfine --warmup 1 --runs "$(( runs / 4 > 3 ? runs / 4 : 3 ))" --export-json "$work/edited.json" \
    --prepare "echo '// edit '\$RANDOM\$RANDOM >> build.cs" "$kiln build" >/dev/null
hyperfine -N --warmup 2 --runs "$(( runs / 4 > 3 ? runs / 4 : 3 ))" --export-json "$work/dotnet-run.json" "dotnet run build.cs -- $tree" >/dev/null

python3 - "$work" <<'PY'
import json, sys, os
work = sys.argv[1]
targets = {"cached": "<= 150 ms", "edited": "<= 1500 ms", "dotnet-run": "(peer)"}
print("| scenario | median | mean ± σ | min | target |")
print("|---|---|---|---|---|")
for name in ("cached", "edited", "dotnet-run"):
    r = json.load(open(os.path.join(work, name + ".json")))["results"][0]
    ms = lambda v: f"{v * 1000:.0f} ms"
    print(f"| {name} | {ms(r['median'])} | {ms(r['mean'])} ± {ms(r['stddev'] or 0)} | {ms(r['min'])} | {targets[name]} |")
PY

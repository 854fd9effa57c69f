using Kiln.Testing;
namespace Kiln.Contrib.Tests;

/// <summary>
/// A shell script that acts like gcc, clang or ar for the tools (as ccache's test suite fakes compilers): it records
/// its argument vector, writes the <c>-o</c> output, and for a compile (<c>-c</c>) writes the <c>-MF</c> depfile
/// <c>_: &lt;source&gt; &lt;words after "// depends:" in the source&gt;</c>. A source containing <c>#error</c> fails
/// with exit code 1. Called with <c>rcsD</c> first it acts as <c>ar</c>.
/// </summary>
public sealed class FakeCompiler
{
    private const string Script = """
        #!/bin/sh
        log="$0.log"
        for a in "$@"; do printf '%s\n' "$a"; done >> "$log"
        printf '%s\n' '--end--' >> "$log"
        if [ "$1" = rcsD ]; then
            shift; archive=$1; shift
            printf 'fake archive of %s\n' "$*" > "$archive"
            exit 0
        fi
        out= dep= src= prev= compile=
        for a in "$@"; do
            case "$prev" in
                -o) out=$a ;;
                -MF) dep=$a ;;
                -MT|-x) ;;
                *) case "$a" in -c) compile=1 ;; -*) ;; *) src="$src $a" ;; esac ;;
            esac
            prev=$a
        done
        src=${src# }
        if [ -n "$compile" ] && grep -q '#error' "$src"; then
            echo "$src:1:2: error: #error found" >&2
            exit 1
        fi
        if [ -n "$dep" ]; then
            printf '_: %s %s\n' "$src" "$(sed -n 's|^// depends: ||p' "$src")" > "$dep"
        fi
        if [ -n "$compile" ]; then
            { printf 'fake object of %s\n' "$src"; cat "$src"; } > "$out"
        else
            printf 'fake link of %s\n' "$src" > "$out"
        fi
        """;

    public FakeCompiler(string directory, string name = "fakecc")
    {
        Path = System.IO.Path.Combine(directory, name);
        ExecutableScript.Write(Path, Script.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
    }

    /// <summary>The script's absolute path (give it as Compiler, Linker or Archiver).</summary>
    public string Path { get; }

    /// <summary>The argument vectors of every call so far, oldest first.</summary>
    public IReadOnlyList<string[]> Calls
    {
        get
        {
            var log = Path + ".log";
            if (!File.Exists(log))
                return [];
            var calls = new List<string[]>();
            var current = new List<string>();
            foreach (var line in File.ReadAllLines(log))
            {
                if (line == "--end--")
                {
                    calls.Add([.. current]);
                    current.Clear();
                }
                else
                {
                    current.Add(line);
                }
            }
            return calls;
        }
    }
}

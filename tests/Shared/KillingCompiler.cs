namespace Kiln.Testing;

/// <summary>How <see cref="KillingCompiler"/> makes a compile die.</summary>
internal enum KillStyle
{
    /// <summary>The wrapper kills itself: the process Kiln.Jit started dies by the signal (.NET: exit status 128 + N).</summary>
    Direct,

    /// <summary>The real driver runs with <c>-B</c> naming a folder whose <c>cc1</c>/<c>cc1plus</c> kill themselves, as
    /// the OOM killer kills the compiler proper: gcc prints <c>fatal error: Killed signal terminated program cc1</c> and
    /// exits 1.</summary>
    Subprocess,
}

/// <summary>
/// A real compiler wrapper for the tests of interrupted compiles. Every library compile (argument <c>-shared</c>; the
/// compiler probes pass through) appends "rank pid" to <see cref="CountLog"/>; while the kill counter
/// (<see cref="KillsLeft"/>, a file) is above zero the compile decrements it and dies by SIGKILL in the chosen
/// <see cref="KillStyle"/>, otherwise the real compiler runs. The counter is not locked: use it with one builder at a
/// time. One source linked into the JIT test projects.
/// </summary>
internal sealed class KillingCompiler
{
    private readonly string _kills;

    /// <param name="directory">An existing folder for the wrapper, its counter, its log and the killing subprograms.</param>
    /// <param name="real">The real compiler's path.</param>
    /// <param name="style">How a compile dies.</param>
    /// <param name="signal">The signal of <see cref="KillStyle.Direct"/> (the subprograms always use SIGKILL).</param>
    public KillingCompiler(string directory, string real, KillStyle style, int signal = 9)
    {
        var name = "killing-" + System.IO.Path.GetFileName(real) + "-" + style.ToString().ToLowerInvariant();
        Path = System.IO.Path.Combine(directory, name);
        CountLog = Path + ".log";
        _kills = Path + ".kills";
        var subprograms = Path + ".d";
        Directory.CreateDirectory(subprograms);
        foreach (var program in new[] { "cc1", "cc1plus" })
        {
            var script = System.IO.Path.Combine(subprograms, program);
            ExecutableScript.Write(script, "#!/bin/sh\nkill -9 $$\n");
        }
        var die = style == KillStyle.Direct ? $"kill -{signal} $$" : $"exec '{real}' -B'{subprograms}/' \"$@\"";
        ExecutableScript.Write(Path, $$$"""
            #!/bin/sh
            case " $* " in *" -shared "*)
              echo "${OMPI_COMM_WORLD_RANK:-${PMI_RANK:--}} $$" >> '{{{CountLog}}}'
              n=$(cat '{{{_kills}}}' 2>/dev/null || echo 0)
              if [ "$n" -gt 0 ]; then
                echo $((n - 1)) > '{{{_kills}}}'
                {{{die}}}
              fi;;
            esac
            exec '{{{real}}}' "$@"

            """);
    }

    /// <summary>The wrapper to use as the compiler.</summary>
    public string Path { get; }

    /// <summary>One line per library compile attempt.</summary>
    public string CountLog { get; }

    /// <summary>Library compile attempts so far.</summary>
    public int Compiles => File.Exists(CountLog) ? File.ReadAllLines(CountLog).Length : 0;

    /// <summary>How many of the next library compiles die.</summary>
    public int KillsLeft
    {
        get => File.Exists(_kills) ? int.Parse(File.ReadAllText(_kills).Trim(), System.Globalization.CultureInfo.InvariantCulture) : 0;
        set => File.WriteAllText(_kills, value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
    }
}

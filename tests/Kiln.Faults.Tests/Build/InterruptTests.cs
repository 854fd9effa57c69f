using System.Diagnostics;
using System.Text;

namespace Kiln.Faults.Tests.Build;

/// <summary>
/// Issue 13 item 4, with the real kiln and real signals: SIGINT (Ctrl-C) and SIGTERM stop the run, kill its helpers,
/// commit the redos that completed, remove the temporaries, print one line and exit 130; a second SIGINT exits at
/// once. Before, kiln died at the first signal without committing: the next run redid everything and <c>.kiln/t/</c>
/// was left behind.
/// </summary>
/// <remarks>
/// The script starts five tool instances a…e, two at a time. Each redo runs the helper <c>tools/helper.sh</c>, which
/// writes its output into a temporary and, when the signal directory holds <c>&lt;name&gt;.slow</c>, then sleeps in a
/// child process (until killed) after writing its own and the child's pid to <c>&lt;name&gt;.pids</c>. With c, d and e
/// slow, a and b complete first; the signal is sent once c and d sleep and e waits for a slot (its reason printed).
/// Every wait is for a file or a line, never for a time.
/// </remarks>
public sealed class InterruptTests : IDisposable
{
    private const string Usings = "using Kiln;\nusing Kiln.Paths;\nusing Kiln.Tools;\n";

    private const string Tools =
        """

        sealed class Slow : Tool<Slow>
        {
            [ExecutionParameter] public required string Name { get; init; }
            [Output.RegularFile] public required TreePath OutputFile { get; init; }

            protected override async Task<bool> RedoAsync(Slow result, RedoContext context)
            {
                using var temporary = context.Temporary();
                var signals = System.Environment.GetEnvironmentVariable("KILN_TEST_SIGNALS") ?? "/nonexistent";
                await context.RunHelperAsync("tools/helper.sh", [Name, temporary.Path, signals]);
                context.ReplaceOutput(OutputFile, temporary.Path);
                return false;
            }
        }

        // A redo in managed code that no interruption reaches: it waits for 'stubborn.go'.
        sealed class Stubborn : Tool<Stubborn>
        {
            [Output.RegularFile] public required TreePath OutputFile { get; init; }

            protected override async Task<bool> RedoAsync(Stubborn result, RedoContext context)
            {
                var signals = System.Environment.GetEnvironmentVariable("KILN_TEST_SIGNALS") ?? "/nonexistent";
                await File.WriteAllTextAsync(Path.Combine(signals, "stubborn.started"), "");
                while (!File.Exists(Path.Combine(signals, "stubborn.go")))
                    await Task.Delay(5);
                using var temporary = context.Temporary();
                await File.WriteAllTextAsync(context.NativePathOf(temporary.Path), "stubborn");
                context.ReplaceOutput(OutputFile, temporary.Path);
                return false;
            }
        }
        """;

    private const string FiveSlow =
        Usings +
        """
        using (new Context(maxParallelRedoCount: 2))
        {
            foreach (var name in new[] { "a", "b", "c", "d", "e" })
            {
                if (name == "e")
                    File.WriteAllText(Path.Combine(System.Environment.GetEnvironmentVariable("KILN_TEST_SIGNALS")!, "e.starting"), "");
                new Slow { Name = name, OutputFile = $"build/{name}.txt" }.Start();
            }
        }
        """ + Tools;

    private const string SlowAndStubborn =
        Usings +
        """
        using (new Context(maxParallelRedoCount: 2))
        {
            new Slow { Name = "c", OutputFile = "build/c.txt" }.Start();
            new Stubborn { OutputFile = "build/stubborn.txt" }.Start();
        }
        """ + Tools;

    private const string Helper =
        """
        #!/bin/sh
        printf '%s\n' "$1" > "$2"
        if [ -e "$3/$1.slow" ]; then
            /bin/sleep 300 &
            printf '%s %s\n' "$$" "$!" > "$3/$1.pids.tmp" && /bin/mv "$3/$1.pids.tmp" "$3/$1.pids"
            wait
        fi

        """;

    private readonly string _root = Directory.CreateTempSubdirectory("kiln-faults-interrupt-").FullName;
    private readonly string _signals = Directory.CreateTempSubdirectory("kiln-faults-interrupt-signals-").FullName;
    private readonly List<Process> _started = [];

    public InterruptTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, ".kiln"));
        Directory.CreateDirectory(Path.Combine(_root, "tools"));
        File.WriteAllText(Path.Combine(_root, "five.cs"), FiveSlow);
        File.WriteAllText(Path.Combine(_root, "stubborn.cs"), SlowAndStubborn);
        var helper = Path.Combine(_root, "tools", "helper.sh");
        File.WriteAllText(helper, Helper);
        File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose()
    {
        foreach (var p in _started)
        {
            try
            {
                if (!p.HasExited)
                    p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }
            p.Dispose();
        }
        foreach (var name in new[] { "c", "d", "e" })
            if (File.Exists(Signal(name + ".pids")))
                foreach (var pid in Pids(name).Where(p => !IsGone(p)))
                    try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        try { Directory.Delete(_signals, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Ctrl_C_kills_the_helpers_keeps_the_completed_redos_removes_the_temporaries_and_exits_130() =>
        InterruptFiveAndCheck("INT");

    [Fact]
    public void SIGTERM_is_handled_as_Ctrl_C() =>
        InterruptFiveAndCheck("TERM");

    [Fact]
    public void A_second_Ctrl_C_exits_at_once_without_waiting_for_a_redo_that_does_not_end()
    {
        File.WriteAllText(Signal("c.slow"), "");
        var kiln = Kiln.Start(this, "stubborn");
        kiln.WaitUntil(() => File.Exists(Signal("c.pids")) && File.Exists(Signal("stubborn.started")), "c sleeps and the stubborn redo waits");
        var helpers = Pids("c");

        Send(kiln.Process, "INT");
        // The first signal is handled once the helper is killed; only then can a second one not merge with it.
        kiln.WaitUntil(() => helpers.All(IsGone), "the helpers are killed");
        Send(kiln.Process, "INT");
        var r = kiln.Finish();

        Assert.True(r.ExitCode == 130, $"exit {r.ExitCode}\n{r.Error}");
        Assert.EndsWith("interrupted again: exited at once; what the run had not committed is redone next run\n", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("interrupted: ", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "build", "stubborn.txt")));

        // The lock died with kiln; nothing was committed, so both are redone.
        File.Delete(Signal("c.slow"));
        File.WriteAllText(Signal("stubborn.go"), "");
        var next = RunToEnd("stubborn");
        Assert.True(next.ExitCode == 0, next.Error);
        Assert.Contains("I run: 2 redo(s), 0 up to date", next.Error, StringComparison.Ordinal);
    }

    private void InterruptFiveAndCheck(string signal)
    {
        foreach (var name in new[] { "c", "d", "e" })
            File.WriteAllText(Signal(name + ".slow"), "");
        var kiln = Kiln.Start(this, "five");
        kiln.WaitUntil(() => File.Exists(Signal("c.pids")) && File.Exists(Signal("d.pids")) && File.Exists(Signal("e.starting")),
            "c and d sleep and e is being started");
        // e's start decides (a millisecond's work) and then waits for a slot; a redo's reason is written with its block,
        // when it ends, so nothing in the output shows that e waits.
        Thread.Sleep(TimeSpan.FromSeconds(2));
        var helpers = Pids("c").Concat(Pids("d")).ToList();

        Send(kiln.Process, signal);
        var r = kiln.Finish();

        Assert.True(r.ExitCode == 130, $"exit {r.ExitCode}\n{r.Error}");
        Assert.EndsWith("\ninterrupted: 2 redo(s) completed and kept, 3 not run\n", r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.Split('\n'), l => l.StartsWith("interrupted", StringComparison.Ordinal));
        Assert.DoesNotContain("error", r.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, ".kiln", "t")), "the temporaries are removed");
        Assert.All(helpers, pid => Assert.True(IsGone(pid), $"helper process {pid} outlived kiln"));
        Assert.Equal(["a.txt", "b.txt"], Directory.GetFiles(Path.Combine(_root, "build")).Select(Path.GetFileName).Order());
        Assert.False(File.Exists(Signal("e.pids")), "e never started");
        // The reason of each redo not run is printed, also of e, which never got a slot.
        Assert.Contains("I redo necessary because of filesystem object: 'build/e.txt'", r.Error, StringComparison.Ordinal);

        foreach (var name in new[] { "c", "d", "e" })
            File.Delete(Signal(name + ".slow"));
        var next = RunToEnd("five");
        Assert.True(next.ExitCode == 0, next.Error);
        Assert.Contains("I run: 3 redo(s), 2 up to date", next.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("'build/a.txt'", next.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("'build/b.txt'", next.Error, StringComparison.Ordinal);
    }

    private string Signal(string name) => Path.Combine(_signals, name);

    private List<int> Pids(string name) =>
        [.. File.ReadAllText(Signal(name + ".pids")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse)];

    /// <summary>Ended (a zombie counts: it runs nothing, and only its parent can reap it).</summary>
    private static bool IsGone(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return true;
        }
    }

    private static void Send(Process kiln, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, kiln.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private KilnProcess.Result RunToEnd(string script) => KilnProcess.Run(_root, ["build", script], SignalsEnvironment());

    private Dictionary<string, string> SignalsEnvironment() => new() { ["KILN_TEST_SIGNALS"] = _signals };

    /// <summary>A kiln started in the background whose standard error is read as it comes.</summary>
    private sealed class Kiln
    {
        private readonly StringBuilder _error = new();
        private readonly StringBuilder _output = new();

        private Kiln(Process process) => Process = process;

        public Process Process { get; }

        public string Error
        {
            get
            {
                lock (_error)
                    return _error.ToString();
            }
        }

        public static Kiln Start(InterruptTests test, string script)
        {
            var info = KilnProcess.StartInfo(test._root, ["build", script], test.SignalsEnvironment());
            var process = new Process { StartInfo = info };
            var kiln = new Kiln(process);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                    lock (kiln._error)
                        kiln._error.Append(e.Data).Append('\n');
            };
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                    lock (kiln._output)
                        kiln._output.Append(e.Data).Append('\n');
            };
            process.Start();
            test._started.Add(process);
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            return kiln;
        }

        /// <summary>Waits until <paramref name="condition"/> holds (fails when kiln ends first, or after 3 minutes: hung).</summary>
        public void WaitUntil(Func<bool> condition, string what)
        {
            var limit = Stopwatch.StartNew();
            while (!condition())
            {
                if (Process.HasExited)
                    Assert.Fail($"kiln ended (exit {Process.ExitCode}) before {what}:\n{Error}");
                if (limit.Elapsed > TimeSpan.FromMinutes(3))
                    Assert.Fail($"not reached within 3 minutes (hung?): {what}\n{Error}");
                Thread.Sleep(2);
            }
        }

        public KilnProcess.Result Finish()
        {
            if (!Process.WaitForExit(TimeSpan.FromMinutes(3)))
                Assert.Fail($"kiln did not end within 3 minutes of the signal:\n{Error}");
            Process.WaitForExit(); // the end of the redirected streams
            string output;
            lock (_output)
                output = _output.ToString();
            return new KilnProcess.Result(Process.ExitCode, output, Error);
        }
    }
}

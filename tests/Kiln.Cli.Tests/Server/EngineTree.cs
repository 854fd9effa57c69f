using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Kiln.Cli.Tests.Server;

/// <summary>
/// A working tree with a small script, and the <c>kiln</c> front and managed engine as a user runs them, with an
/// <c>XDG_RUNTIME_DIR</c> of its own (tests never share an engine with the user or each other). Disposing stops and,
/// if need be, kills the engine it started.
/// </summary>
/// <remarks>
/// The script prints its arguments, working directory and <c>KILN_TEST_VALUE</c> to standard output and a line to
/// standard error. Argument <c>fail</c>: exit status 3. <c>helper</c>: a redo whose helper (inheriting the streams)
/// prints a line. <c>wait</c>: a redo whose helper writes <c>$KILN_TEST_SIGNALS/started</c> and waits for
/// <c>$KILN_TEST_SIGNALS/go</c>.
/// </remarks>
internal sealed partial class EngineTree : IDisposable
{
    public const string Script =
        """
        using Kiln;
        using Kiln.Paths;
        using Kiln.Tools;

        Console.Out.WriteLine($"out: [{string.Join(",", args)}] in {Environment.CurrentDirectory} value {Environment.GetEnvironmentVariable("KILN_TEST_VALUE") ?? "(unset)"}");
        Console.Error.WriteLine("err: a line");
        if (args is ["fail", ..])
            return 3;
        if (args is ["helper" or "wait", ..])
        {
            using (new Context())
                new Step { Mode = args[0], Result = "build/step.txt" }.Start();
        }
        return 0;

        sealed class Step : Tool<Step>
        {
            [ExecutionParameter] public required string Mode { get; init; }
            [Output.RegularFile] public required TreePath Result { get; init; }

            protected override async Task<bool> RedoAsync(Step result, RedoContext context)
            {
                var signals = System.Environment.GetEnvironmentVariable("KILN_TEST_SIGNALS") ?? "/nonexistent";
                var command = Mode == "wait"
                    ? "echo > \"$1/started\"; while [ ! -e \"$1/go\" ]; do sleep 0.02; done"
                    : "echo helper-said-hi";
                await context.RunHelperAsync("/bin/sh", ["-c", command, "sh", signals]);
                using var t = context.Temporary();
                await File.WriteAllTextAsync(context.NativePathOf(t.Path), Mode);
                context.ReplaceOutput(Result, t.Path);
                return false;
            }
        }

        """;

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public EngineTree()
    {
        Directory.CreateDirectory(Path.Combine(Root, ".kiln"));
        Directory.CreateDirectory(Signals);
        File.WriteAllText(Path.Combine(Root, "build.cs"), Script);
    }

    /// <summary>The working tree.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("kiln-engine-tree-").FullName;

    /// <summary>This tree's <c>XDG_RUNTIME_DIR</c> (shared by the trees of one test with <see cref="SharingEnginesOf"/>).</summary>
    public string RuntimeDirectory { get; private set; } = Directory.CreateTempSubdirectory("kiln-engine-xdg-").FullName;

    /// <summary>Where the script's <c>wait</c> helper signals.</summary>
    public string Signals => Path.Combine(Root, "signals");

    /// <summary>The engine directory under <see cref="RuntimeDirectory"/>.</summary>
    public string EngineDirectory => Path.Combine(RuntimeDirectory, "kiln");

    public static string Front => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../Kiln.Front/release/Kiln.Front"));

    public static string Managed => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../Kiln.Cli/release/Kiln.Cli"));

    /// <summary>Uses the engines of <paramref name="other"/> (one user's engine for two trees).</summary>
    public EngineTree SharingEnginesOf(EngineTree other)
    {
        RuntimeDirectory = other.RuntimeDirectory;
        return this;
    }

    public ProcessStartInfo StartInfo(string program, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "";
        info.Environment["XDG_RUNTIME_DIR"] = RuntimeDirectory;
        info.Environment["KILN_ENGINE"] = Managed;
        info.Environment["KILN_TEST_SIGNALS"] = Signals;
        info.Environment.Remove("KILN_NO_SERVER");
        if (environment is not null)
            foreach (var (k, v) in environment)
                info.Environment[k] = v;
        return info;
    }

    public KilnProcess.Result Run(string program, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        using var process = Start(program, args, environment);
        return process.Finish();
    }

    /// <summary>Runs the front.</summary>
    public KilnProcess.Result Kiln(params string[] args) => Run(Front, args);

    public Running Start(string program, IEnumerable<string> args, IDictionary<string, string>? environment = null) =>
        new(Process.Start(StartInfo(program, args, environment))!);

    /// <summary>The engine's pid from <c>kiln server status</c>; null when none runs.</summary>
    public int? EnginePid()
    {
        var status = Run(Managed, ["server", "status"]);
        return status.ExitCode == 0 ? int.Parse(PidPattern().Match(status.Output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Waits (bounded) for <paramref name="condition"/>.</summary>
    public static void WaitFor(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > Limit)
                throw new TimeoutException("waited in vain for " + what);
            Thread.Sleep(20);
        }
    }

    public void Dispose()
    {
        // Releases a 'wait' helper a failed test left waiting.
        try { File.WriteAllText(Path.Combine(Signals, "go"), ""); } catch (IOException) { }
        if (Directory.Exists(EngineDirectory) && EnginePid() is { } pid)
        {
            _ = Run(Managed, ["server", "stop"]);
            try
            {
                using var engine = Process.GetProcessById(pid);
                if (!engine.WaitForExit(TimeSpan.FromSeconds(10)))
                    engine.Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
        foreach (var d in new[] { Root, RuntimeDirectory })
        {
            try { Directory.Delete(d, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    [GeneratedRegex(@"pid (\d+)")]
    private static partial Regex PidPattern();

    /// <summary>A started process whose output is collected.</summary>
    public sealed class Running(Process process) : IDisposable
    {
        private readonly Task<string> _output = process.StandardOutput.ReadToEndAsync();
        private readonly Task<string> _error = process.StandardError.ReadToEndAsync();

        public Process Process => process;

        public KilnProcess.Result Finish()
        {
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("kiln did not finish within 2 minutes");
            }
            return new KilnProcess.Result(process.ExitCode, _output.Result, _error.Result);
        }

        public void Dispose() => process.Dispose();
    }
}

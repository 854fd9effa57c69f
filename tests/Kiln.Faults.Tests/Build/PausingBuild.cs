using System.Diagnostics;

namespace Kiln.Faults.Tests.Build;

/// <summary>
/// A working tree whose script <c>pausing.cs</c> runs two redos one after the other: <c>first</c> copies
/// <c>src/a.txt</c> to <c>build/a.txt</c>, then <c>second</c> copies <c>src/b.txt</c> to <c>build/b.txt</c>. Each reads
/// its input, then — when kiln runs with <c>KILN_TEST_SIGNALS</c> (see <see cref="Start"/>) — creates
/// <c>&lt;name&gt;.started</c> in the signal directory and waits for <c>&lt;name&gt;.go</c>, so that a test can modify files
/// at a known point of the run (during a redo, between two redos).
/// </summary>
internal sealed class PausingBuild : IDisposable
{
    public const string Script =
        """
        using Kiln;
        using Kiln.Paths;
        using Kiln.Tools;

        using (new Context())
        {
            new Echo { Name = "first", InputFile = "src/a.txt", OutputFile = "build/a.txt" }.Start().Complete();
            new Echo { Name = "second", InputFile = "src/b.txt", OutputFile = "build/b.txt" }.Start();
        }

        sealed class Echo : Tool<Echo>
        {
            [ExecutionParameter] public required string Name { get; init; }
            [Input.RegularFile] public required TreePath InputFile { get; init; }
            [Output.RegularFile] public required TreePath OutputFile { get; init; }

            protected override async Task<bool> RedoAsync(Echo result, RedoContext context)
            {
                var text = await File.ReadAllTextAsync(context.NativePathOf(InputFile));
                var signals = System.Environment.GetEnvironmentVariable("KILN_TEST_SIGNALS");
                if (!string.IsNullOrEmpty(signals))
                {
                    await File.WriteAllTextAsync(Path.Combine(signals, Name + ".started"), "");
                    while (!File.Exists(Path.Combine(signals, Name + ".go")))
                        await Task.Delay(2);
                }
                using var temporary = context.Temporary();
                await File.WriteAllTextAsync(context.NativePathOf(temporary.Path), text);
                context.ReplaceOutput(OutputFile, temporary.Path);
                return false;
            }
        }
        """;

    private readonly string _signals;
    private Process? _kiln;

    public PausingBuild(string root)
    {
        Root = root;
        _signals = Directory.CreateTempSubdirectory("kiln-faults-signals-").FullName;
        Directory.CreateDirectory(Path.Combine(root, ".kiln"));
        Directory.CreateDirectory(Path.Combine(root, "src"));
        File.WriteAllText(Path.Combine(root, "pausing.cs"), Script);
        Write("a.txt", "a-one");
        Write("b.txt", "b-one");
    }

    public string Root { get; }

    public void Write(string source, string text) => File.WriteAllText(Path.Combine(Root, "src", source), text);

    public string Output(string name) => File.ReadAllText(Path.Combine(Root, "build", name));

    /// <summary>Runs kiln without pauses.</summary>
    public KilnProcess.Result Run() => KilnProcess.Run(Root, "build", "pausing");

    /// <summary>Starts kiln so that every redo pauses after reading its input until <see cref="Go"/>.</summary>
    public Process Start()
    {
        foreach (var f in Directory.GetFiles(_signals))
            File.Delete(f);
        _kiln = Process.Start(KilnProcess.StartInfo(Root, ["build", "pausing"], new Dictionary<string, string> { ["KILN_TEST_SIGNALS"] = _signals }))!;
        return _kiln;
    }

    /// <summary>Waits until redo <paramref name="name"/> has read its input and paused (fails when kiln ends first).</summary>
    public void WaitUntilPaused(Process kiln, string name) => WaitForFile(kiln, Path.Combine(_signals, name + ".started"), $"redo '{name}'");

    /// <summary>Waits until <paramref name="marker"/> exists (fails when kiln ends first, or after 3 minutes: hung).</summary>
    public static void WaitForFile(Process kiln, string marker, string what)
    {
        var limit = Stopwatch.StartNew();
        while (!File.Exists(marker))
        {
            if (kiln.HasExited)
                Assert.Fail($"kiln ended (exit {kiln.ExitCode}) before {what} paused:\n{kiln.StandardError.ReadToEnd()}");
            if (limit.Elapsed > TimeSpan.FromMinutes(3))
                Assert.Fail($"{what} did not pause within 3 minutes (hung?)");
            Thread.Sleep(2);
        }
    }

    /// <summary>Lets the paused redo <paramref name="name"/> go on.</summary>
    public void Go(string name) => File.WriteAllText(Path.Combine(_signals, name + ".go"), "");

    /// <summary>Waits for kiln to end and gives its result.</summary>
    public static KilnProcess.Result Finish(Process kiln)
    {
        var output = kiln.StandardOutput.ReadToEndAsync();
        var error = kiln.StandardError.ReadToEndAsync();
        if (!kiln.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            kiln.Kill(entireProcessTree: true);
            Assert.Fail("kiln did not finish within 3 minutes");
        }
        return new KilnProcess.Result(kiln.ExitCode, output.Result, error.Result);
    }

    /// <summary>Ends a kiln still paused (a test that failed half-way) and removes the signal directory.</summary>
    public void Dispose()
    {
        if (_kiln is not null)
        {
            try
            {
                if (!_kiln.HasExited)
                    _kiln.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }
            _kiln.Dispose();
        }
        try { Directory.Delete(_signals, recursive: true); } catch (IOException) { }
    }
}

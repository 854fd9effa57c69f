using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Kiln.Faults.Tests.Jit;

/// <summary>Issue 8.1 and 8.2 for Kiln.Jit: 4 concurrent processes (Kiln.Jit.TestHost) asking for the same keys are
/// killed with SIGKILL at random instants; every process that finished got a library that works (never a partial
/// one), the next request succeeds, and <c>kiln jit verify</c> finds every published entry complete. Entries with a
/// missing manifest or a half-written library are rebuilt.</summary>
public sealed class JitKillTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-faults-jit-").FullName;

    private string Cache => Path.Combine(_root, "cache");

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static ProcessStartInfo HostInfo(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Kiln.Jit.TestHost.dll"));
        foreach (var a in args)
            info.ArgumentList.Add(a);
        return info;
    }

    private JsonElement RunHost(string signature, int value)
    {
        using var p = Process.Start(HostInfo("--cache", Cache, "--signature", signature, "--value", value.ToString(CultureInfo.InvariantCulture)))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var line = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"test host printed nothing (exit {p.ExitCode}): {stderr.Result}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    private void AssertWorks(string signature, int value, string what)
    {
        var r = RunHost(signature, value);
        Assert.True(r.GetProperty("ok").GetBoolean(), $"{what}: {r}");
        Assert.Equal(value, r.GetProperty("value").GetInt32());
    }

    private void AssertVerifies()
    {
        var r = KilnProcess.Run(_root, ["jit", "verify", "--cache-dir", Cache]);
        Assert.True(r.ExitCode == 0, $"kiln jit verify: {r.Output}{r.Error}");
    }

    [Fact]
    public async Task Four_processes_killed_at_random_instants_never_load_a_partial_library_and_the_next_request_succeeds()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        var log = TestContext.Current.TestOutputHelper;
        var watch = Stopwatch.StartNew();
        AssertWorks("measure", 1, "cold build");
        var cold = watch.Elapsed;
        log?.WriteLine($"one cold request in a fresh process: {cold.TotalMilliseconds:F0} ms");

        var random = new Random(Environment.TickCount);
        var kills = 0;
        var finished = 0;
        // Rounds go on until at least 15 processes were killed while running (at most 60 rounds): how many kills
        // land depends on how fast the machine is, and the test must not depend on that.
        const int requiredKills = 15;
        var rounds = 0;
        for (var round = 0; kills < requiredKills && round < 60; round++, rounds++)
        {
            // Five signatures: a round is cold for a signature's first use, warm (verification and loading) after.
            var signature = $"kill{round % 5}";
            var value = 100 + round % 5;
            var processes = Enumerable.Range(0, 4).Select(_ => Process.Start(HostInfo(
                "--cache", Cache, "--signature", signature, "--value", value.ToString(CultureInfo.InvariantCulture),
                "--generate-delay-ms", random.Next(0, 50).ToString(CultureInfo.InvariantCulture)))!).ToList();
            var delays = processes.Select(_ => TimeSpan.FromMilliseconds(random.NextDouble() * cold.TotalMilliseconds * 2.5)).ToList();
            var outcomes = await Task.WhenAll(processes.Select((p, i) => Task.Run(() =>
            {
                var stdout = p.StandardOutput.ReadToEndAsync();
                var stderr = p.StandardError.ReadToEndAsync();
                var killed = false;
                if (!p.WaitForExit(delays[i]))
                {
                    try { p.Kill(entireProcessTree: false); killed = true; } catch (InvalidOperationException) { }
                }
                p.WaitForExit();
                return (Killed: killed && p.ExitCode != 0, Output: stdout.Result, Error: stderr.Result, p.ExitCode);
            })));
            foreach (var p in processes)
                p.Dispose();
            foreach (var o in outcomes)
            {
                if (o.Killed)
                {
                    kills++;
                    continue;
                }
                finished++;
                var line = o.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
                Assert.True(line is not null, $"round {round}: a process that was not killed printed nothing (exit {o.ExitCode}): {o.Error}");
                var r = JsonDocument.Parse(line).RootElement;
                // The host calls the loaded library's function: a partial library could not give the baked constant.
                Assert.True(r.GetProperty("ok").GetBoolean(), $"round {round}: {line}");
                Assert.Equal(value, r.GetProperty("value").GetInt32());
            }
            AssertWorks(signature, value, $"round {round}: the request after the kills");
        }
        AssertVerifies();
        log?.WriteLine($"{rounds} rounds of 4 processes: {kills} killed, {finished} finished");
        Assert.True(kills >= requiredKills, $"only {kills} processes were killed while running in {rounds} rounds");
    }

    [Fact]
    public void An_entry_with_a_missing_manifest_is_rebuilt()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        AssertWorks("nomanifest", 7, "first build");
        foreach (var m in Directory.GetFiles(Path.Combine(Cache, "manifest")))
            File.Delete(m);
        var r = RunHost("nomanifest", 7);
        Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString());
        Assert.True(r.GetProperty("built").GetBoolean(), "an entry without its manifest must be rebuilt");
        Assert.Equal(7, r.GetProperty("value").GetInt32());
        AssertVerifies();
    }

    [Fact]
    public void A_half_written_library_is_rebuilt_and_never_loaded()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        AssertWorks("halflib", 9, "first build");
        var library = Assert.Single(Directory.GetFiles(Path.Combine(Cache, "lib")));
        var bytes = File.ReadAllBytes(library);
        // Replace the published file (a new inode, as a writer that ignored the protocol would) by its first half.
        File.Delete(library);
        File.WriteAllBytes(library, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var r = RunHost("halflib", 9);
        Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString());
        Assert.True(r.GetProperty("built").GetBoolean(), "a half-written library must be rebuilt");
        Assert.Equal(9, r.GetProperty("value").GetInt32());
        AssertVerifies();
    }
}

using System.Diagnostics;
using System.Text.Json;

namespace Kiln.Faults.Tests.Jit;

/// <summary>Runs Kiln.Jit.TestHost (a fresh process using <c>JitCompiler.Default</c>) with an environment of the test's
/// choosing, optionally under a wrapper command (<c>setpriv …</c>), and parses the one JSON line it prints.</summary>
internal static class JitHost
{
    /// <summary>The shared caches are given through the environment only: the host's parent (the test run) may have
    /// <c>KILN_JIT_SHARED_CACHES</c> set, so it is always set explicitly (empty: none).</summary>
    public static JsonElement Run(IReadOnlyList<string> args, string sharedCaches = "", IReadOnlyList<string>? wrapper = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var command = (wrapper ?? []).Concat([dotnet, Path.Combine(AppContext.BaseDirectory, "Kiln.Jit.TestHost.dll")]).Concat(args).ToList();
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Skip(1))
            info.ArgumentList.Add(a);
        info.Environment["KILN_JIT_SHARED_CACHES"] = sharedCaches;
        info.Environment.Remove("KILN_JIT_CACHE");
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var line = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"test host printed nothing (exit {p.ExitCode}): {stderr.Result}");
        Assert.True(stderr.Result.Length == 0, $"the test host wrote to stderr (a stack trace?): {stderr.Result}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>Asserts a successful request that returned <paramref name="value"/>.</summary>
    public static JsonElement AssertWorks(JsonElement r, int value, string what)
    {
        Assert.True(r.GetProperty("ok").GetBoolean(), $"{what}: {r}");
        Assert.Equal(value, r.GetProperty("value").GetInt32());
        return r;
    }

    /// <summary>Asserts one <c>JitCacheException</c> with a one-line message naming <paramref name="cache"/>; returns the message.</summary>
    public static string AssertCacheError(JsonElement r, string cache, string what)
    {
        Assert.False(r.GetProperty("ok").GetBoolean(), $"{what}: expected a failure, got {r}");
        Assert.True(r.GetProperty("error").GetString() == "JitCacheException", $"{what}: {r}");
        var message = r.GetProperty("message").GetString()!;
        Assert.Contains($"'{cache}'", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
        return message;
    }

    /// <summary>Every file and directory under <paramref name="root"/> with size and (unless <paramref name="withTimes"/>
    /// is false) mtime: any write changes it; without times, any creation, removal or change of size.</summary>
    public static string Snapshot(string root, bool withTimes = true) => string.Join('\n',
        new[] { root }.Concat(Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)).Order(StringComparer.Ordinal)
            .Select(p => $"{p} {(File.Exists(p) ? new FileInfo(p).Length : -1)} {(withTimes ? File.GetLastWriteTimeUtc(p).Ticks : 0)}"));

    /// <summary><c>kiln jit verify</c> on <paramref name="cache"/> exits 0 (every published entry complete).</summary>
    public static void AssertVerifies(string workingDirectory, string cache, string sharedCaches = "")
    {
        var r = KilnProcess.Run(workingDirectory, ["jit", "verify", "--cache-dir", cache], new Dictionary<string, string> { ["KILN_JIT_SHARED_CACHES"] = sharedCaches });
        Assert.True(r.ExitCode == 0, $"kiln jit verify {cache}: {r.Output}{r.Error}");
    }
}

using System.Diagnostics;
using Kiln.WorkingTree;

namespace Kiln.Tests.WorkingTree;

/// <summary>The inter-process lock: <c>flock</c> on a lock file holding the holder's pid.</summary>
public sealed class ProcessLockTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    private string LockPath => _directory.Path + "lock";

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_second_acquisition_fails_while_the_lock_is_held_and_succeeds_after_dispose()
    {
        var first = ProcessLock.TryAcquire(LockPath);
        Assert.NotNull(first);
        Assert.Null(ProcessLock.TryAcquire(LockPath));

        first.Dispose();
        first.Dispose();
        using var again = ProcessLock.TryAcquire(LockPath);

        Assert.NotNull(again);
    }

    // Read by another process: .NET's FileStream takes a shared flock, which the holder's exclusive one blocks.
    private static string Cat(string path)
    {
        var info = new ProcessStartInfo("cat") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(path);
        using var process = Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }

    [Fact]
    public void The_lock_file_holds_the_pid_of_the_holder()
    {
        File.WriteAllText(LockPath, "999999999999\nrest of an older, longer content");

        using var held = ProcessLock.TryAcquire(LockPath);

        Assert.Equal($"{Environment.ProcessId}\n", Cat(LockPath));
        Assert.Equal(Environment.ProcessId, ProcessLock.ReadHolderPid(LockPath));
    }

    [Fact]
    public void An_unreadable_holder_pid_is_null()
    {
        Assert.Null(ProcessLock.ReadHolderPid(LockPath));
        File.WriteAllText(LockPath, "");
        Assert.Null(ProcessLock.ReadHolderPid(LockPath));
        File.WriteAllText(LockPath, "kiln");
        Assert.Null(ProcessLock.ReadHolderPid(LockPath));
    }

    [Fact]
    public void A_lock_file_that_cannot_be_opened_is_an_error()
    {
        Directory.CreateDirectory(LockPath);

        var e = Assert.Throws<IOException>(() => ProcessLock.TryAcquire(LockPath));

        Assert.StartsWith($"cannot open lock file '{LockPath}': ", e.Message);
    }

    [Fact]
    public async Task The_lock_is_released_when_its_holder_is_killed()
    {
        // One process holds the lock: the shell opens the file, flock(1) locks that descriptor, and the shell
        // becomes 'sleep', keeping the descriptor (and with it the lock) until it dies.
        var info = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", "exec 9>>\"$1\"; flock -x 9; echo locked; exec sleep 600", "sh", LockPath })
            info.ArgumentList.Add(a);
        using var holder = Process.Start(info)!;
        try
        {
            Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken));
            Assert.Null(ProcessLock.TryAcquire(LockPath));
        }
        finally
        {
            holder.Kill(); // SIGKILL
            await holder.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        using var mine = ProcessLock.TryAcquire(LockPath);

        Assert.NotNull(mine);
    }
}

using Kiln.Platform.Files;
using Kiln.Platform.Posix;

namespace Kiln.Platform.Tests;

public sealed class FileLockTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_second_opener_waits_for_the_holder_even_in_the_same_process()
    {
        var path = _dir.File("a.lock");
        using var holder = FileLock.Open(path);
        using var contender = FileLock.Open(path);

        Assert.Equal(0, holder.TryLock());
        Assert.Equal(Errno.EWOULDBLOCK, contender.TryLock());

        holder.Dispose();
        Assert.Equal(0, contender.TryLock());
    }

    [Fact]
    public void Another_process_cannot_take_the_lock_until_the_holder_releases_it()
    {
        var path = _dir.File("b.lock");
        var holder = FileLock.Open(path);
        Assert.Equal(0, holder.TryLock());

        // util-linux flock(1) -n: exit 1 when the lock is held.
        Assert.Equal(1, ExternalCommand.Run("flock", "-n", path, "true").ExitCode);

        holder.Dispose();
        Assert.Equal(0, ExternalCommand.Run("flock", "-n", path, "true").ExitCode);
    }

    [Fact]
    public async Task A_blocking_lock_is_granted_when_the_holder_releases_it()
    {
        var path = _dir.File("c.lock");
        var holder = FileLock.Open(path);
        Assert.Equal(0, holder.TryLock());
        using var waiter = FileLock.Open(path);

        var waiting = Task.Run(waiter.Lock);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        holder.Dispose();
        Assert.Equal(0, await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void The_owner_record_is_readable_while_the_lock_is_held_and_replaced_whole()
    {
        var path = _dir.File("d.lock");
        using var holder = FileLock.Open(path);
        Assert.Equal(0, holder.TryLock());

        holder.WriteOwner("host h\npid 12345\nsignature a long one\n");
        holder.WriteOwner("pid 7\n");

        Assert.Equal("pid 7\n", FileLock.ReadOwner(path));
        Assert.Null(FileLock.ReadOwner(_dir.File("none.lock")));
    }

    [Fact]
    public void A_lock_file_that_cannot_be_opened_reports_the_errno()
    {
        var path = Path.Combine(_dir.File("missing-directory"), "e.lock");

        Assert.Null(FileLock.TryOpen(path, FileLock.OwnerWritable, out var errno));
        Assert.Equal(Errno.ENOENT, errno);
        var e = Assert.Throws<IOException>(() => FileLock.Open(path));
        Assert.Equal($"cannot open lock file '{path}': No such file or directory (errno 2)", e.Message);
    }
}

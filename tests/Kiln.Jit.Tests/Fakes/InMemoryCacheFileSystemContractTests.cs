using Kiln.Jit.Cache;

namespace Kiln.Jit.Tests.Fakes;

/// <summary>
/// The same scenarios on <see cref="InMemoryCacheFileSystem"/> and on <see cref="SystemCacheFileSystem"/> in a real
/// temporary directory: where the cache's logic tests rely on the fake, it must behave as the real file system does.
/// </summary>
public sealed class InMemoryCacheFileSystemContractTests
{
    public static TheoryData<string> Kinds => ["memory", "disk"];

    /// <summary>A file system and an existing empty directory on it.</summary>
    private sealed class Place : IDisposable
    {
        public Place(string kind)
        {
            if (kind == "memory")
            {
                Files = new InMemoryCacheFileSystem();
                Root = "/memory/root";
                Files.CreateDirectory(Root);
            }
            else
            {
                Files = SystemCacheFileSystem.Instance;
                Root = Directory.CreateTempSubdirectory("kiln-jit-fs-contract-").FullName;
            }
        }

        public ICacheFileSystem Files { get; }

        public string Root { get; }

        public string At(string relative) => Path.Combine(Root, relative);

        public void Dispose()
        {
            if (Files is SystemCacheFileSystem)
                Directory.Delete(Root, recursive: true);
        }
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_written_file_reads_back_and_stats_as_a_file_of_its_size(string kind)
    {
        using var p = new Place(kind);
        p.Files.WriteAllText(p.At("a.txt"), "héllo\n");

        Assert.Equal("héllo\n", p.Files.ReadAllText(p.At("a.txt")));
        Assert.Equal("héllo\n"u8.ToArray(), p.Files.ReadAllBytes(p.At("a.txt")));
        Assert.True(p.Files.TryStat(p.At("a.txt"), out var status));
        Assert.False(status.IsDirectory);
        Assert.Equal(7, status.Size);
        Assert.True(p.Files.FileExists(p.At("a.txt")));
        Assert.False(p.Files.DirectoryExists(p.At("a.txt")));
        Assert.True(p.Files.DirectoryExists(p.Root));
        Assert.False(p.Files.FileExists(p.Root));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_missing_file_has_no_status_and_reading_it_says_whether_the_file_or_its_folder_is_missing(string kind)
    {
        using var p = new Place(kind);

        Assert.False(p.Files.TryStat(p.At("missing"), out _));
        Assert.False(p.Files.FileExists(p.At("missing/x")));
        Assert.Throws<FileNotFoundException>(() => p.Files.ReadAllText(p.At("missing")));
        Assert.Throws<DirectoryNotFoundException>(() => p.Files.ReadAllText(p.At("missing/x")));
        Assert.Throws<DirectoryNotFoundException>(() => p.Files.WriteAllText(p.At("missing/x"), "x"));
        Assert.Throws<FileNotFoundException>(() => p.Files.OpenRead(p.At("missing")));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Creating_a_directory_creates_its_parents_and_is_idempotent(string kind)
    {
        using var p = new Place(kind);
        p.Files.CreateDirectory(p.At("a/b/c"));
        p.Files.CreateDirectory(p.At("a/b/c"));

        Assert.True(p.Files.DirectoryExists(p.At("a/b")));
        Assert.True(p.Files.DirectoryExists(p.At("a/b/c")));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void An_atomic_write_replaces_the_file_with_a_new_inode_and_leaves_no_temporary(string kind)
    {
        using var p = new Place(kind);
        p.Files.WriteAllText(p.At("f"), "old");
        Assert.True(p.Files.TryStat(p.At("f"), out var before));

        p.Files.WriteAtomically(p.At("f"), "new!", p.At("f.tmp"));

        Assert.Equal("new!", p.Files.ReadAllText(p.At("f")));
        Assert.True(p.Files.TryStat(p.At("f"), out var after));
        Assert.NotEqual(before.Inode, after.Inode);
        Assert.NotEqual(before.Stamp(), after.Stamp());
        Assert.False(p.Files.FileExists(p.At("f.tmp")));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_rename_replaces_a_file_keeps_the_moved_inode_and_reports_errors_as_errno(string kind)
    {
        using var p = new Place(kind);
        p.Files.WriteAllText(p.At("from"), "moved");
        p.Files.WriteAllText(p.At("to"), "replaced");
        p.Files.CreateDirectory(p.At("dir/sub"));
        Assert.True(p.Files.TryStat(p.At("from"), out var moved));

        Assert.Equal(0, p.Files.TryRename(p.At("from"), p.At("to")));

        Assert.Equal("moved", p.Files.ReadAllText(p.At("to")));
        Assert.True(p.Files.TryStat(p.At("to"), out var status));
        Assert.Equal(moved.Inode, status.Inode);
        Assert.False(p.Files.FileExists(p.At("from")));
        Assert.Equal(2, p.Files.TryRename(p.At("from"), p.At("x")));             // ENOENT
        Assert.Equal(2, p.Files.TryRename(p.At("to"), p.At("missing/x")));      // ENOENT
        Assert.Equal(21, p.Files.TryRename(p.At("to"), p.At("dir")));           // EISDIR
        p.Files.CreateDirectory(p.At("full/inside"));
        p.Files.CreateDirectory(p.At("other"));
        Assert.Equal(39, p.Files.TryRename(p.At("other"), p.At("full")));       // ENOTEMPTY
        var e = Assert.Throws<IOException>(() => p.Files.Rename(p.At("nothing"), p.At("x")));
        Assert.Equal(2, e.HResult);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_renamed_directory_takes_its_content_along(string kind)
    {
        using var p = new Place(kind);
        p.Files.CreateDirectory(p.At("stage/include"));
        p.Files.WriteAllText(p.At("stage/include/h.h"), "h");

        Assert.Equal(0, p.Files.TryRename(p.At("stage"), p.At("final")));

        Assert.Equal("h", p.Files.ReadAllText(p.At("final/include/h.h")));
        Assert.False(p.Files.DirectoryExists(p.At("stage")));
        Assert.Equal(0, p.Files.TryRename(p.At("final"), p.At("empty-dest")));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Publishing_a_folder_replaces_an_older_one_and_leaves_nothing_aside(string kind)
    {
        using var p = new Place(kind);
        p.Files.CreateDirectory(p.At("aside"));
        p.Files.CreateDirectory(p.At("dest"));
        p.Files.WriteAllText(p.At("dest/old.txt"), "old");
        p.Files.CreateDirectory(p.At("staging"));
        p.Files.WriteAllText(p.At("staging/new.txt"), "new");

        Assert.True(p.Files.PublishFolder(p.At("staging"), p.At("dest"), p.At("aside")));

        Assert.Equal([p.At("dest/new.txt")], p.Files.List(p.At("dest")));
        Assert.Empty(p.Files.List(p.At("aside")));
        Assert.False(p.Files.DirectoryExists(p.At("staging")));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Listing_gives_full_paths_of_files_and_folders_sorted_and_nothing_for_a_missing_folder(string kind)
    {
        using var p = new Place(kind);
        p.Files.WriteAllText(p.At("b.txt"), "");
        p.Files.WriteAllText(p.At("a.txt"), "");
        p.Files.CreateDirectory(p.At("c/d"));

        Assert.Equal([p.At("a.txt"), p.At("b.txt"), p.At("c")], p.Files.List(p.Root));
        Assert.Empty(p.Files.List(p.At("missing")));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Deleting_a_missing_file_is_nothing_and_deleting_a_tree_removes_all_in_it(string kind)
    {
        using var p = new Place(kind);
        p.Files.CreateDirectory(p.At("t/u"));
        p.Files.WriteAllText(p.At("t/u/f"), "f");
        p.Files.WriteAllText(p.At("g"), "g");

        p.Files.DeleteFile(p.At("missing"));
        p.Files.DeleteFile(p.At("g"));
        p.Files.DeleteTree(p.At("t"));
        p.Files.DeleteTree(p.At("missing"));

        Assert.Empty(p.Files.List(p.Root));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Creating_a_new_file_fails_when_it_exists_and_a_copy_does_not_overwrite_unless_asked(string kind)
    {
        using var p = new Place(kind);
        p.Files.CreateNew(p.At("probe"));
        Assert.True(p.Files.TryStat(p.At("probe"), out var empty));
        Assert.Equal(0, empty.Size);
        Assert.Throws<IOException>(() => p.Files.CreateNew(p.At("probe")));

        p.Files.WriteAllText(p.At("src"), "content");
        p.Files.CopyFile(p.At("src"), p.At("copy"), overwrite: false);
        Assert.Throws<IOException>(() => p.Files.CopyFile(p.At("src"), p.At("copy"), overwrite: false));
        p.Files.WriteAllText(p.At("src"), "changed");
        p.Files.CopyFile(p.At("src"), p.At("copy"), overwrite: true);
        Assert.Equal("changed", p.Files.ReadAllText(p.At("copy")));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_created_stream_becomes_the_file_content_and_an_open_one_reads_it(string kind)
    {
        using var p = new Place(kind);
        using (var s = p.Files.Create(p.At("stream")))
            s.Write([1, 2, 3]);

        using var read = p.Files.OpenRead(p.At("stream"));
        var buffer = new byte[8];
        Assert.Equal(3, read.Length);
        Assert.Equal(3, read.Read(buffer));
        Assert.Equal([1, 2, 3], buffer[..3]);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_set_modification_time_is_what_stat_reports_to_100_ns(string kind)
    {
        using var p = new Place(kind);
        p.Files.WriteAllText(p.At("m"), "m");
        var time = new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567);

        p.Files.SetLastWriteTime(p.At("m"), time);

        Assert.True(p.Files.TryStat(p.At("m"), out var status));
        Assert.Equal(time, status.Modified);
        Assert.Equal(0, status.ModifiedNanoseconds % 100);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_stamp_stays_while_a_file_is_only_read_and_compares_equal_to_its_text(string kind)
    {
        using var p = new Place(kind);
        p.Files.WriteAllText(p.At("lib"), "library");
        Assert.True(p.Files.TryStat(p.At("lib"), out var first));
        _ = p.Files.ReadAllBytes(p.At("lib"));
        Assert.True(p.Files.TryStat(p.At("lib"), out var second));

        Assert.Equal(first.Stamp(), second.Stamp());
        Assert.True(second.HasStamp(first.Stamp()));
        Assert.False(second.HasStamp(first.Stamp() + "0"));
        Assert.Equal(first.Stamp(), EntryStore.StampOf(p.Files, p.At("lib")));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_lock_excludes_a_second_holder_until_released_and_its_owner_record_is_readable(string kind)
    {
        using var p = new Place(kind);
        var path = p.At("k.lock");
        var first = p.Files.OpenLock(path);
        using var second = p.Files.OpenLock(path);

        Assert.Equal(0, first.TryLock());
        first.WriteOwner("pid 1\n");
        Assert.Equal(11, second.TryLock()); // EWOULDBLOCK
        Assert.Equal("pid 1\n", p.Files.ReadLockOwner(path));
        first.Dispose();
        Assert.Equal(0, second.TryLock());
        Assert.True(p.Files.FileExists(path));
        Assert.Null(p.Files.ReadLockOwner(p.At("no.lock")));
        Assert.Throws<IOException>(() => p.Files.OpenLock(p.At("missing/k.lock")));
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task A_waiting_lock_is_granted_when_the_holder_releases_it(string kind)
    {
        using var p = new Place(kind);
        var path = p.At("w.lock");
        var holder = p.Files.OpenLock(path);
        Assert.Equal(0, holder.TryLock());
        using var waiter = p.Files.OpenLock(path);

        var waiting = Task.Run(waiter.Lock);
        holder.Dispose();

        Assert.Equal(0, await waiting);
    }
}

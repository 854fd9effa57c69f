namespace Kiln.Faults.Tests.Build;

/// <summary>
/// Issue 8.4, coarse mtime resolution on real file systems, with the real kiln: the working tree on a loop-mounted
/// ext4 with 128-byte inodes (1 s timestamps) or FAT (2 s). Skipped where a mount is impossible (no root or mount
/// rights, no <c>mkfs</c> program, no kernel support). The in-process counterpart, with mtimes truncated by an
/// <c>IFileSystem</c> decorator, is <c>Kiln.Scenarios.Tests: CoarseMtimeScenarioTests</c>.
/// </summary>
public sealed class CoarseMtimeTests
{
    public static TheoryData<string, int> FileSystems => new()
    {
        { "ext4", 1 },
        { "vfat", 2 },
    };

    private static LoopMount Mount(string fileSystem, int seconds)
    {
        var mount = fileSystem == "ext4"
            ? LoopMount.TryCreate("mkfs.ext4", ["-q", "-I", "128", "-F"], 64, out var reason)
            : LoopMount.TryCreate("mkfs.vfat", [], 64, out reason);
        if (mount is null)
            Assert.Skip($"no file system with {seconds} s timestamps: {reason}");
        return mount;
    }

    [Theory]
    [MemberData(nameof(FileSystems))]
    public void Rapid_edit_and_build_cycles_give_the_outputs_of_a_build_from_scratch_every_time(string fileSystem, int seconds)
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        using var mount = Mount(fileSystem, seconds);
        var root = Path.Combine(mount.Path, "tree");
        var project = new GeneratedCProject(root, moduleCount: 2);
        project.WriteAll();
        AssertBuilds(root);
        // Each edit keeps the size (one digit changes): only the mtime can tell, and it is made in the second of
        // the build before or of the one after.
        string[] files = ["src/m0.c", "include/m1.h", "include/common.h"];
        for (var cycle = 1; cycle <= 3; cycle++)
        {
            var file = files[cycle % files.Length];
            var text = project.Read(file);
            var digit = text.AsSpan().LastIndexOfAnyInRange('0', '9');
            project.Write(file, text[..digit] + (char)('0' + ((text[digit] - '0' + 1) % 10)) + text[(digit + 1)..]);
            AssertBuilds(root);
            Assert.Equal(project.FromScratch(), project.Outputs());
        }
    }

    [Theory]
    [MemberData(nameof(FileSystems))]
    public void An_input_edited_between_two_redos_and_again_during_the_later_one_in_the_same_tick_is_redone_next_run(string fileSystem, int seconds)
    {
        using var mount = Mount(fileSystem, seconds);
        using var build = new PausingBuild(Path.Combine(mount.Path, "tree"));
        Assert.True(build.Run().ExitCode == 0);
        build.Write("a.txt", "a-two");
        var kiln = build.Start();
        build.WaitUntilPaused(kiln, "first");
        WaitForTickStart(Path.Combine(mount.Path, "tick"));
        build.Write("b.txt", "b-two");
        build.Go("first");
        build.WaitUntilPaused(kiln, "second");
        build.Write("b.txt", "b-thr"); // same size; in the tick of the edit before, unless kiln waited for the next
        build.Go("second");
        var r = PausingBuild.Finish(kiln);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("b-two", build.Output("b.txt"));

        var next = build.Run();
        Assert.True(next.ExitCode == 0, next.Error);
        Assert.Contains("run: 1 redo(s)", next.Error);
        Assert.Equal("b-thr", build.Output("b.txt"));
        Assert.Contains("run: 0 redo(s)", build.Run().Error);
    }

    private static void AssertBuilds(string root)
    {
        var r = KilnProcess.Run(root, "build");
        Assert.True(r.ExitCode == 0, r.Error);
    }

    /// <summary>Returns just after the file system's clock has ticked, as seen in the mtime of <paramref name="probe"/>.</summary>
    private static void WaitForTickStart(string probe)
    {
        File.WriteAllText(probe, "0");
        var start = File.GetLastWriteTimeUtc(probe);
        do
        {
            Thread.Sleep(1);
            File.WriteAllText(probe, "0");
        }
        while (File.GetLastWriteTimeUtc(probe) == start);
    }
}

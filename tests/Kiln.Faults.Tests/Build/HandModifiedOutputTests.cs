namespace Kiln.Faults.Tests.Build;

/// <summary>Issue 8.4, part: an output modified by hand is treated as purposeful, as dlb does — the tool instance that
/// wrote it is not redone (the output still exists and is of the right kind), and its consumers are redone because
/// their input changed.</summary>
public sealed class HandModifiedOutputTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-faults-hand-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void An_output_modified_by_hand_is_kept_and_only_its_consumers_are_redone()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        var project = new GeneratedCProject(_root, moduleCount: 2);
        project.WriteAll();
        Assert.Equal(0, KilnProcess.Run(_root, "build").ExitCode);
        var obj = Path.Combine(_root, "build", "obj", "m0.o");
        File.AppendAllText(obj, "hand");
        var handMade = File.ReadAllBytes(obj);

        var r = KilnProcess.Run(_root, "build");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("I redo necessary because of filesystem object: 'build/obj/m0.o' \n  | reason: size has changed\n", r.Error);
        Assert.Contains("I run: 1 redo(s), 3 up to date", r.Error);
        Assert.Equal(handMade, File.ReadAllBytes(obj));
        Assert.Contains("I run: 0 redo(s)", KilnProcess.Run(_root, "build").Error);
    }
}

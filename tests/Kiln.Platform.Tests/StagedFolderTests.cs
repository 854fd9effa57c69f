using Kiln.Platform.Files;

namespace Kiln.Platform.Tests;

public sealed class StagedFolderTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Folder(string name, string file, string content)
    {
        var path = _dir.File(name);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, file), content);
        return path;
    }

    [Fact]
    public void Publish_replaces_an_older_folder_and_removes_it()
    {
        var aside = _dir.File("aside");
        Directory.CreateDirectory(aside);
        var destination = Folder("final", "old.txt", "old");
        var staging = Folder("staging", "new.txt", "new");

        Assert.True(StagedFolder.Publish(staging, destination, aside));

        Assert.Equal(["new.txt"], Directory.GetFiles(destination).Select(Path.GetFileName));
        Assert.False(Directory.Exists(staging));
        Assert.Empty(Directory.GetFileSystemEntries(aside));
    }

    [Fact]
    public void Publish_into_a_new_place_moves_the_folder()
    {
        var staging = Folder("staging", "a.txt", "a");
        var destination = _dir.File("final");

        Assert.True(StagedFolder.Publish(staging, destination, _dir.Path));

        Assert.Equal("a", File.ReadAllText(Path.Combine(destination, "a.txt")));
    }

    [Fact]
    public void When_the_folder_cannot_be_moved_in_the_staged_one_is_removed()
    {
        var staging = Folder("staging", "a.txt", "a");
        var destination = Path.Combine(_dir.File("no-parent"), "final");

        Assert.False(StagedFolder.Publish(staging, destination, _dir.Path));

        Assert.False(Directory.Exists(staging));
    }
}

namespace Kiln.Platform.Command;

/// <summary>Finds the working tree that contains a directory: the nearest ancestor holding <c>.kiln/</c>.</summary>
internal static class WorkingTreeRoot
{
    public const string MarkerName = ".kiln";

    /// <summary>The root (absolute, without trailing slash), or null when no ancestor has <c>.kiln/</c>.</summary>
    public static string? Find(string startDirectory)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(startDirectory)); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, MarkerName)))
                return dir.FullName;
        }
        return null;
    }
}

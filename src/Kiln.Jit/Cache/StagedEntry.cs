namespace Kiln.Jit.Cache;

/// <summary>The files of an entry written into a private folder, waiting for <see cref="EntryStore.Publish"/>; null for
/// a file the entry has not (a header when the generator gave none, the source unless kept, the log of a received
/// entry).</summary>
/// <param name="Folder">The private folder (on the cache's file system; also takes the manifest before its rename).</param>
/// <param name="Library">The shared library.</param>
/// <param name="Header">The generated header.</param>
/// <param name="Source">The source as kept (plain or gzip), published under the manifest's source file name.</param>
/// <param name="Log">The build log (command and compiler output).</param>
internal sealed record StagedEntry(string Folder, string Library, string? Header = null, string? Source = null, string? Log = null);

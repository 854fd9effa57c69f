namespace Kiln.Paths;

/// <summary>
/// The depended-upon state of a file-system object: what <c>lstat</c> reports and, for a symbolic link, its
/// target. Two memos differ exactly when a redo rule says the object has changed.
/// </summary>
/// <param name="Kind">Object type; <see cref="FileKind.Missing"/> for "did not exist".</param>
/// <param name="Size">Size in bytes (<c>st_size</c>).</param>
/// <param name="MtimeNs">Modification time in nanoseconds since the epoch (<c>st_mtim</c>).</param>
/// <param name="Mode">Permission bits (<c>st_mode &amp; 07777</c>).</param>
/// <param name="Uid">Owner (<c>st_uid</c>).</param>
/// <param name="Gid">Group (<c>st_gid</c>).</param>
/// <param name="SymlinkTarget">Target of a symbolic link, else <c>null</c>.</param>
public readonly record struct FileMemo(FileKind Kind, long Size, long MtimeNs, uint Mode, uint Uid, uint Gid, string? SymlinkTarget)
{
    /// <summary>The memo of a path where nothing exists.</summary>
    public static FileMemo Missing { get; } = new(FileKind.Missing, 0, 0, 0, 0, 0, null);

    /// <summary>Whether an object exists.</summary>
    public bool Exists => Kind != FileKind.Missing;

    /// <summary>
    /// Binary form stored in the run-database, <see cref="Kiln.Platform.Files.PathState.Encode"/>'s (the one the replay
    /// check of the <c>kiln</c> front compares with): version byte 1, kind byte, size (int64 LE), mtime ns (int64 LE),
    /// mode, uid, gid (uint32 LE each), then the UTF-8 symbolic link target (rest of the blob). "Did not exist" is the
    /// two bytes <c>01 00</c>.
    /// </summary>
    public byte[] Encode() => ToState().Encode();

    /// <summary>Decodes <see cref="Encode"/>'s form; <c>false</c> for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out FileMemo memo)
    {
        var valid = Kiln.Platform.Files.PathState.TryDecode(bytes, out var state);
        memo = valid ? Of(state) : Missing;
        return valid;
    }

    internal Kiln.Platform.Files.PathState ToState() => new((byte)Kind, Size, MtimeNs, Mode, Uid, Gid, SymlinkTarget);

    internal static FileMemo Of(in Kiln.Platform.Files.PathState state) =>
        state.Kind == Kiln.Platform.Files.PathState.Missing ? Missing
            : new((FileKind)state.Kind, state.Size, state.MtimeNs, state.Mode, state.Uid, state.Gid, state.SymlinkTarget);
}

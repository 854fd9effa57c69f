using System.Buffers.Binary;
using System.Text;
using Kiln.Platform.Posix;

namespace Kiln.Platform.Files;

/// <summary>
/// What <c>lstat</c> reports of a path that a redo decision depends on, and its one binary encoding: the engine's
/// memos (<c>Kiln.Paths.FileMemo</c>, stored in the run-database) and the front's replay check read and encode a path
/// through this, so that both see the same state of the same path as the same bytes.
/// </summary>
/// <param name="Kind">0 missing, 1 regular file, 2 directory, 3 symbolic link, 4 other (the values of <c>Kiln.Paths.FileKind</c>).</param>
/// <param name="Size"><c>st_size</c>.</param>
/// <param name="MtimeNs"><c>st_mtim</c> in ns since the Unix epoch.</param>
/// <param name="Mode"><c>st_mode &amp; 07777</c>.</param>
/// <param name="Uid"><c>st_uid</c>.</param>
/// <param name="Gid"><c>st_gid</c>.</param>
/// <param name="SymlinkTarget">A symbolic link's target, else null.</param>
internal readonly record struct PathState(byte Kind, long Size, long MtimeNs, uint Mode, uint Uid, uint Gid, string? SymlinkTarget)
{
    public const byte Missing = 0;
    public const byte RegularFile = 1;
    public const byte Directory = 2;
    public const byte SymbolicLink = 3;
    public const byte Other = 4;

    /// <summary>Encoding version (first byte of <see cref="Encode"/>).</summary>
    private const byte FormatVersion = 1;

    private const int FixedLength = 1 + 1 + 8 + 8 + 4 + 4 + 4;

    /// <summary>The state of a path where nothing exists.</summary>
    public static PathState Nothing { get; } = new(Missing, 0, 0, 0, 0, 0, null);

    /// <summary>
    /// <c>lstat</c> of <paramref name="path"/>: nothing for ENOENT and ENOTDIR (a component is a file); another error
    /// is returned as its errno (and the state is <see cref="Nothing"/>).
    /// </summary>
    public static int TryLstat(string path, out PathState state)
    {
        var errno = FileStatus.TryLstat(path, out var status);
        if (errno == Errno.ENOENT || errno == Errno.ENOTDIR)
        {
            state = Nothing;
            return 0;
        }
        if (errno != 0)
        {
            state = Nothing;
            return errno;
        }
        var kind = (status.Mode & FileStatus.TypeMask) switch
        {
            FileStatus.RegularType => RegularFile,
            FileStatus.DirectoryType => Directory,
            FileStatus.LinkType => SymbolicLink,
            _ => Other,
        };
        var target = kind == SymbolicLink ? new FileInfo(path).LinkTarget ?? "" : null;
        state = new PathState(kind, status.Size, status.ModifiedNanoseconds, status.Mode & 0xFFF, status.Uid, status.Gid, target);
        return 0;
    }

    /// <summary>
    /// The stored form: version byte 1, kind byte, size (int64 LE), mtime ns (int64 LE), mode, uid, gid (uint32 LE
    /// each), then the UTF-8 symbolic link target (rest of the blob). "Did not exist" is the two bytes <c>01 00</c>.
    /// Canonical: two states are equal exactly when their encodings are.
    /// </summary>
    public byte[] Encode()
    {
        if (Kind == Missing)
            return [FormatVersion, 0];
        var target = SymlinkTarget is null ? [] : Encoding.UTF8.GetBytes(SymlinkTarget);
        var bytes = new byte[FixedLength + target.Length];
        bytes[0] = FormatVersion;
        bytes[1] = Kind;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(2), Size);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(10), MtimeNs);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(18), Mode);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(22), Uid);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(26), Gid);
        target.CopyTo(bytes, FixedLength);
        return bytes;
    }

    /// <summary>Decodes <see cref="Encode"/>'s form; <c>false</c> for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out PathState state)
    {
        state = Nothing;
        if (bytes.Length == 2 && bytes[0] == FormatVersion && bytes[1] == 0)
            return true;
        if (bytes.Length < FixedLength || bytes[0] != FormatVersion || bytes[1] is 0 or > Other)
            return false;
        var kind = bytes[1];
        string? target = null;
        if (kind == SymbolicLink)
            target = Encoding.UTF8.GetString(bytes[FixedLength..]);
        else if (bytes.Length != FixedLength)
            return false;
        state = new PathState(
            kind,
            BinaryPrimitives.ReadInt64LittleEndian(bytes[2..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[10..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[18..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[22..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[26..]),
            target);
        return true;
    }
}

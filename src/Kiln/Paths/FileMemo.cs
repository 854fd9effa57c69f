using System.Buffers.Binary;
using System.Text;

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
    /// <summary>Encoding version (first byte of <see cref="Encode"/>).</summary>
    private const byte FormatVersion = 1;

    private const int FixedLength = 1 + 1 + 8 + 8 + 4 + 4 + 4;

    /// <summary>The memo of a path where nothing exists.</summary>
    public static FileMemo Missing { get; } = new(FileKind.Missing, 0, 0, 0, 0, 0, null);

    /// <summary>Whether an object exists.</summary>
    public bool Exists => Kind != FileKind.Missing;

    /// <summary>
    /// Binary form stored in the run-database: version byte 1, kind byte, size (int64 LE), mtime ns (int64 LE),
    /// mode, uid, gid (uint32 LE each), then the UTF-8 symbolic link target (rest of the blob). "Did not exist"
    /// is the two bytes <c>01 00</c>.
    /// </summary>
    public byte[] Encode()
    {
        if (Kind == FileKind.Missing)
            return [FormatVersion, 0];
        var target = SymlinkTarget is null ? [] : Encoding.UTF8.GetBytes(SymlinkTarget);
        var bytes = new byte[FixedLength + target.Length];
        bytes[0] = FormatVersion;
        bytes[1] = (byte)Kind;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(2), Size);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(10), MtimeNs);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(18), Mode);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(22), Uid);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(26), Gid);
        target.CopyTo(bytes, FixedLength);
        return bytes;
    }

    /// <summary>Decodes <see cref="Encode"/>'s form; <c>false</c> for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out FileMemo memo)
    {
        memo = Missing;
        if (bytes.Length == 2 && bytes[0] == FormatVersion && bytes[1] == 0)
            return true;
        if (bytes.Length < FixedLength || bytes[0] != FormatVersion || bytes[1] is 0 or > (byte)FileKind.Other)
            return false;
        var kind = (FileKind)bytes[1];
        string? target = null;
        if (kind == FileKind.SymbolicLink)
            target = Encoding.UTF8.GetString(bytes[FixedLength..]);
        else if (bytes.Length != FixedLength)
            return false;
        memo = new FileMemo(
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

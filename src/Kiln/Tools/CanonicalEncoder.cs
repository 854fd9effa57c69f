using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Text;
using Kiln.Paths;

namespace Kiln.Tools;

/// <summary>
/// Canonical, unambiguous byte encoding of fundamental values, the input of fingerprints. Each value is a tag
/// byte followed by its content; variable-length content is prefixed by its length (int32 LE). Dictionaries
/// are encoded with their entries sorted by the encoding of the key, and sets with their members sorted by their
/// encoding (as dlb sorts both), so equal values encode equally whatever their construction order.
/// </summary>
internal sealed class CanonicalEncoder
{
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(256);

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>The bytes written so far (valid until the next write).</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void WriteTag(byte tag) => _buffer.Write([tag]);

    public void WriteInt32(int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        _buffer.Write((ReadOnlySpan<byte>)b);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteInt32(bytes.Length);
        _buffer.Write(bytes);
    }

    public void WriteString(string s) => WriteBytes(Encoding.UTF8.GetBytes(s));

    /// <summary>Encodes a fundamental value; returns the offending type's name when it is not fundamental.</summary>
    public string? TryWriteValue(object? value)
    {
        switch (value)
        {
            case null: WriteTag(0); return null;
            case bool b: WriteTag(1); WriteTag(b ? (byte)1 : (byte)0); return null;
            case string s: WriteTag(2); WriteString(s); return null;
            case byte[] bytes: WriteTag(3); WriteBytes(bytes); return null;
            case TreePath p: WriteTag(4); WriteString(p.AsString()); return null;
            case Enum e: WriteTag(5); WriteString(e.GetType().FullName + "." + e.ToString()); return null;
            case sbyte or byte or short or ushort or int or uint or long or ulong:
                WriteTag(6); WriteString(Convert.ToString(value, CultureInfo.InvariantCulture)!); return null;
            case float or double or decimal:
                WriteTag(7); WriteString(((IFormattable)value).ToString("R", CultureInfo.InvariantCulture)); return null;
            case char c: WriteTag(2); WriteString(c.ToString()); return null;
            case IDictionary dictionary:
            {
                var entries = new List<(byte[] Key, byte[] Value)>();
                foreach (DictionaryEntry entry in dictionary)
                {
                    var k = new CanonicalEncoder();
                    var v = new CanonicalEncoder();
                    var error = k.TryWriteValue(entry.Key) ?? v.TryWriteValue(entry.Value);
                    if (error is not null)
                        return error;
                    entries.Add((k.ToArray(), v.ToArray()));
                }
                entries.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
                WriteTag(8);
                WriteInt32(entries.Count);
                foreach (var (k, v) in entries)
                {
                    _buffer.Write((ReadOnlySpan<byte>)k);
                    _buffer.Write((ReadOnlySpan<byte>)v);
                }
                return null;
            }
            case IEnumerable set when IsSet(set):
            {
                var members = new List<byte[]>();
                foreach (var item in set)
                {
                    var member = new CanonicalEncoder();
                    var error = member.TryWriteValue(item);
                    if (error is not null)
                        return error;
                    members.Add(member.ToArray());
                }
                members.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
                WriteTag(10);
                WriteInt32(members.Count);
                foreach (var member in members)
                    _buffer.Write((ReadOnlySpan<byte>)member);
                return null;
            }
            case IEnumerable sequence:
            {
                var items = new CanonicalEncoder();
                var count = 0;
                foreach (var item in sequence)
                {
                    var error = items.TryWriteValue(item);
                    if (error is not null)
                        return error;
                    count++;
                }
                WriteTag(9);
                WriteInt32(count);
                _buffer.Write((ReadOnlySpan<byte>)items.ToArray());
                return null;
            }
            default:
                return value.GetType().FullName ?? value.GetType().Name;
        }
    }

    // A set's enumeration order is not part of its value (for strings it even varies from process to process).
    private static bool IsSet(object value) =>
        value.GetType().GetInterfaces().Any(i => i.IsGenericType &&
            (i.GetGenericTypeDefinition() == typeof(ISet<>) || i.GetGenericTypeDefinition() == typeof(IReadOnlySet<>)));
}

using System.Globalization;
using System.Text;

namespace Kiln.Jit.Signatures;

/// <summary>
/// The canonical encoding of key inputs: one field per line, <c>name=length:value</c>, lists as one line per item
/// (<c>name[i]=length:value</c>). Length prefixes make the encoding injective (no value can imitate a field break).
/// </summary>
internal static class CanonicalText
{
    public static void Append(StringBuilder b, string name, string value) =>
        b.Append(name).Append('=').Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':')
         .Append(value.Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');

    public static void AppendList(StringBuilder b, string name, IReadOnlyList<string> values)
    {
        Append(b, name + ".count", values.Count.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < values.Count; i++)
            Append(b, string.Create(CultureInfo.InvariantCulture, $"{name}[{i}]"), values[i]);
    }
}

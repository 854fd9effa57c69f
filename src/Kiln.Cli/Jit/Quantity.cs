using System.Globalization;

namespace Kiln.Cli.Jit;

/// <summary>Parses sizes (<c>500M</c>, <c>2G</c>, <c>1048576</c>) and ages (<c>30d</c>, <c>12h</c>, <c>90m</c>, <c>45s</c>).</summary>
internal static class Quantity
{
    public static long ParseSize(string text)
    {
        var t = text.Trim();
        long factor = 1;
        if (t.Length > 0 && char.IsLetter(t[^1]))
        {
            factor = char.ToUpperInvariant(t[^1]) switch
            {
                'K' => 1L << 10,
                'M' => 1L << 20,
                'G' => 1L << 30,
                'T' => 1L << 40,
                _ => 0,
            };
            t = t[..^1];
        }
        if (factor == 0 || !double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0)
            throw new FormatException($"size '{text}' is not a size; write e.g. 500M, 2G or a number of bytes");
        return (long)(n * factor);
    }

    public static TimeSpan ParseAge(string text)
    {
        var t = text.Trim();
        if (t.Length < 2 || !double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0)
            throw new FormatException($"age '{text}' is not an age; write e.g. 30d, 12h, 90m or 45s");
        return char.ToLowerInvariant(t[^1]) switch
        {
            'd' => TimeSpan.FromDays(n),
            'h' => TimeSpan.FromHours(n),
            'm' => TimeSpan.FromMinutes(n),
            's' => TimeSpan.FromSeconds(n),
            _ => throw new FormatException($"age '{text}' has an unknown unit; write e.g. 30d, 12h, 90m or 45s"),
        };
    }

    public static string FormatSize(long bytes) => bytes switch
    {
        < 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:0.00} GiB"),
    };
}

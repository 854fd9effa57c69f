namespace Kiln.Jit;

/// <summary>What the cache keeps of the generated source after a successful build (the header is always kept).</summary>
public enum SourceRetention
{
    /// <summary>Keep <c>src/&lt;key&gt;.c</c> (or <c>.cpp</c>) as is.</summary>
    Keep,

    /// <summary>Keep <c>src/&lt;key&gt;.c.gz</c>, gzip-compressed (the default, as dijitso's <c>compress</c>).</summary>
    Gzip,

    /// <summary>Keep no source.</summary>
    Delete,
}

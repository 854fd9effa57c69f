namespace Kiln;

/// <summary>
/// Declares that a build script's configuration (what it does outside its tools' redos) must not be replayed from the
/// configuration record: <c>kiln</c> then always runs the script. For a script that observes what Kiln cannot see (a
/// service, a clock, a file read with <c>System.IO</c> on purpose). Without it, <c>kiln</c> decides by static analysis
/// (<c>kiln build --verbose</c> names each use that makes a script not replayable).
/// </summary>
/// <example><code>[assembly: Kiln.NotReplayable("asks the license server which features to build")]</code></example>
/// <param name="reason">Why, in a few words (shown by <c>kiln build --verbose</c> and kept in the record).</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class NotReplayableAttribute(string reason) : Attribute
{
    /// <summary>Why the script is not replayable.</summary>
    public string Reason { get; } = reason;
}

using System.Runtime.InteropServices;

namespace Kiln;

/// <summary>
/// Tells a <c>Dispose</c> whether it runs because an exception is leaving the <c>using</c> block — what dlb's
/// <c>__exit__</c> is told and C# does not tell (decision 0006).
/// </summary>
/// <remarks>
/// <para><see cref="Marshal.GetExceptionPointers"/> is the runtime's record of the exception being dispatched on
/// this thread: non-zero in a <c>finally</c> block run because of an exception and in a <c>catch</c> block, zero
/// otherwise (once a <c>catch</c> block is left, the exception is over). Compared with its value when the context was
/// entered, a different non-zero value at its exit means a new exception is on its way through the exit: a root
/// context entered (and left) inside a <c>catch</c> block sees the same value both times.</para>
/// <para>This holds for synchronous and <c>async</c> code alike (an exception in an async method reaches the
/// <c>finally</c> blocks of its <c>using</c> statements before the compiler's state machine catches it) and is pinned
/// by <c>Kiln.Scenarios.Tests: RunOutcomeScenarioTests</c>. A runtime without it (<see cref="PlatformNotSupportedException"/>)
/// reports no exception: a root context left by one is then a successful run, as before.</para>
/// </remarks>
internal static class ExceptionInFlight
{
    /// <summary>The runtime's handle of the exception being dispatched on this thread, or 0.</summary>
    public static nint Current()
    {
        try
        {
            return Marshal.GetExceptionPointers();
        }
        catch (PlatformNotSupportedException)
        {
            return 0;
        }
    }

    /// <summary>Whether an exception other than the one being dispatched at <paramref name="atEntry"/> is being dispatched now.</summary>
    public static bool Since(nint atEntry)
    {
        var now = Current();
        return now != 0 && now != atEntry;
    }
}

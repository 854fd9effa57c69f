using System.Runtime.InteropServices;

namespace Kiln.Benchmarks;

/// <summary>CPU time of the calling thread (<c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>): unlike wall time, not inflated by other processes on a busy machine.</summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    /// <summary>
    /// Nanoseconds this thread has spent runnable but waiting for a CPU (<c>/proc/thread-self/schedstat</c>,
    /// second field), or 0 where unavailable: the part of wall time that other processes took.
    /// </summary>
    public static long RunQueueDelayNanoseconds()
    {
        try
        {
            var fields = File.ReadAllText("/proc/thread-self/schedstat").Split(' ');
            return fields.Length > 1 ? long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Nanoseconds of CPU time this thread has used.</summary>
    public static long Nanoseconds() =>
        ClockGetTime(ClockThreadCpuTimeId, out var t) == 0 ? (t.Seconds * 1_000_000_000L) + t.Nanoseconds : 0;
}

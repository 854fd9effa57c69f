namespace Kiln.WorkingTree;

/// <summary>
/// Deterministic crash points for the fault-injection tests (docs/guarantees.md, G-K1a): when the environment variable
/// <c>KILN_TEST_KILL_AT</c> names a point, the process sends itself SIGKILL exactly there, so that a test can kill kiln
/// between an output's <c>rename</c> and the run-database commit — an instant a random kill hits only by luck.
/// </summary>
/// <remarks>
/// <para>Format: comma-separated points, each <c>before-rename:SUFFIX</c> or <c>after-rename:SUFFIX</c> (the rename whose
/// destination path ends with <c>/SUFFIX</c>, e.g. <c>build/obj/m3.o</c> or <c>.kiln/trace.json</c>) or
/// <c>before-commit</c> / <c>after-commit</c> (the run-database commit when the root context is left).</para>
/// <para>Read once per process; unset (every real run) costs one length check per rename. Not a user setting: it exists
/// only so that the guarantees can be proven, as <c>GIT_TEST_*</c> variables do for git.</para>
/// </remarks>
internal static class KillPoints
{
    /// <summary>The environment variable naming the points.</summary>
    public const string EnvironmentVariable = "KILN_TEST_KILL_AT";

    private static readonly string[] Points = (Environment.GetEnvironmentVariable(EnvironmentVariable) ?? "")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Called just before a rename to <paramref name="destination"/>.</summary>
    public static void BeforeRename(string destination) => AtRename("before-rename:", destination);

    /// <summary>Called just after a successful rename to <paramref name="destination"/>.</summary>
    public static void AfterRename(string destination) => AtRename("after-rename:", destination);

    /// <summary>Called just before (<paramref name="after"/> false) or after the run-database's final commit.</summary>
    public static void AtCommit(bool after)
    {
        if (Points.Length != 0 && Array.IndexOf(Points, after ? "after-commit" : "before-commit") >= 0)
            Die();
    }

    private static void AtRename(string prefix, string destination)
    {
        if (Points.Length == 0)
            return;
        foreach (var point in Points)
        {
            if (!point.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            var suffix = point.AsSpan(prefix.Length).TrimEnd('/');
            var path = destination.AsSpan().TrimEnd('/');
            if (path.EndsWith(suffix, StringComparison.Ordinal) && path.Length > suffix.Length && path[path.Length - suffix.Length - 1] == '/')
                Die();
        }
    }

    private static void Die()
    {
        Kiln.Platform.Posix.Signals.KillThisProcess();
        // SIGKILL cannot be caught; should kill(2) fail, never go on as if the point had not been reached.
        Environment.FailFast("KILN_TEST_KILL_AT: kill(2) failed");
    }
}

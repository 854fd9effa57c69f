namespace Kiln;

/// <summary>
/// Which tool instance's redo an exception came from, and where the script started it: the exception surfaces where
/// the script used a result or left the context, and its stack shows that place, not the <c>Start()</c> of the tool
/// that failed. Kept in <see cref="Exception.Data"/>, so the exception's type and message stay what the redo threw.
/// </summary>
internal static class FailedRedo
{
    private const string ToolKey = "Kiln.FailedRedo.Tool";
    private const string FileKey = "Kiln.FailedRedo.File";
    private const string LineKey = "Kiln.FailedRedo.Line";

    /// <summary>Records on <paramref name="exception"/> that the redo of <paramref name="tool"/>, started at the given place, threw it (the first record stays).</summary>
    public static void Attach(Exception exception, string tool, string startFile, int startLine)
    {
        if (exception.Data.Contains(ToolKey) || exception.Data.IsReadOnly)
            return;
        exception.Data[ToolKey] = tool;
        exception.Data[FileKey] = startFile;
        exception.Data[LineKey] = startLine;
    }

    private const string NotStartedKey = "Kiln.FailedRedo.NotStarted";

    /// <summary>Marks <paramref name="exception"/> as the result of a redo not started because another one failed.</summary>
    public static void MarkNotStarted(Exception exception) => exception.Data[NotStartedKey] = true;

    /// <summary>Whether <paramref name="exception"/> is the result of a redo not started because another one failed.</summary>
    public static bool IsNotStarted(Exception exception) => exception.Data[NotStartedKey] is true;

    /// <summary>The failed redo's tool instance and the file and line of its start (line 0: unknown), or false.</summary>
    public static bool TryGet(Exception exception, out string tool, out string startFile, out int startLine)
    {
        tool = exception.Data[ToolKey] as string ?? "";
        startFile = exception.Data[FileKey] as string ?? "";
        startLine = exception.Data[LineKey] as int? ?? 0;
        return tool.Length > 0;
    }
}

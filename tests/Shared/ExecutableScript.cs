using System.Diagnostics;

namespace Kiln.Testing;

/// <summary>
/// Writes an executable script (a compiler wrapper) that the test then runs, without "Text file busy".
/// </summary>
/// <remarks>
/// Written by this process, the file is open for writing for a moment; a test on another thread that starts a process
/// then forks a child holding that descriptor until its exec, and running the script in that window fails with
/// ETXTBSY (seen: EntryTransferTests under a loaded machine). Written by a child (`cat`), the file is never open for
/// writing in this process, so no fork of it can hold it; the child has exited before the script runs.
/// </remarks>
internal static class ExecutableScript
{
    /// <summary>Creates (or replaces) <paramref name="path"/> with <paramref name="text"/>, mode 755; returns the path.</summary>
    public static string Write(string path, string text)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", "rm -f \"$1\" && cat > \"$1\" && chmod 755 \"$1\"", "sh", path })
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        process.StandardInput.Write(text);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new IOException($"could not write the script '{path}': {error.Trim()}");
        return path;
    }
}

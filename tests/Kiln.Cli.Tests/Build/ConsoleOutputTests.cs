using System.Diagnostics;

namespace Kiln.Cli.Tests.Build;

/// <summary>Terminal versus piped output of kiln build: colors and the progress line only on a terminal.</summary>
public sealed class ConsoleOutputTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-cli-console-").FullName;

    public ConsoleOutputTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, ".kiln"));
        File.WriteAllText(Path.Combine(_root, "in.txt"), "x");
        File.WriteAllText(Path.Combine(_root, "build.cs"), CopyScript.Text.Replace("README.md", "in.txt", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    /// <summary>Runs kiln under a pseudo-terminal with util-linux's script(1); returns what the terminal showed.</summary>
    private string RunOnTerminal(string noColor) => RunOnTerminal(noColor, "build");

    private string RunOnTerminal(string noColor, string arguments)
    {
        if (!File.Exists("/usr/bin/script"))
            Assert.Skip("script(1) from util-linux is not installed");
        var info = new ProcessStartInfo("/usr/bin/script") { WorkingDirectory = _root, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-qec", $"dotnet '{KilnProcess.Dll}' {arguments}", "/dev/null" })
            info.ArgumentList.Add(a);
        info.Environment["TERM"] = "xterm";
        info.Environment["NO_COLOR"] = noColor;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    [Fact]
    public void Piped_output_has_no_escape_sequences()
    {
        var r = KilnProcess.Run(_root, "build");
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain('\u001b', r.Error);
        Assert.Contains("I start redo for ", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_terminal_gets_colored_levels_unless_NO_COLOR_is_set()
    {
        var colored = RunOnTerminal(noColor: "");
        // Every colored line ends with the reset sequence; .NET itself may emit other (keypad) sequences on a terminal.
        Assert.Contains("\u001b[0m", colored, StringComparison.Ordinal);
        Assert.Contains("redo necessary because", colored, StringComparison.Ordinal);

        File.Delete(Path.Combine(_root, "build", "in.txt"));
        var plain = RunOnTerminal(noColor: "1");
        Assert.DoesNotContain("\u001b[0m", plain, StringComparison.Ordinal);
        Assert.Contains("redo necessary because", plain, StringComparison.Ordinal);
    }

    private void WriteWarningScript()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        File.WriteAllText(Path.Combine(_root, "a.c"), "int f(void) { int unused; return 0; }\n");
        File.WriteAllText(Path.Combine(_root, "warn.cs"),
            """
            using Kiln;
            using Kiln.Contrib;
            using (new Context())
                new CompileC { SourceFile = "a.c", ObjectFile = "build/a.o", Warnings = ["all"] }.Start();
            """);
    }

    // gcc's colours around a file name and before a message: ESC[01m ESC[K … ESC[m ESC[K.
    private const string Sgr = @"(\u001b\[[0-9;]*m\u001b\[K)?";

    [Fact]
    public void A_compilers_warning_on_a_terminal_keeps_its_colors_and_starts_on_a_line_of_its_own_after_the_progress_line_is_erased()
    {
        WriteWarningScript();

        var terminal = RunOnTerminal(noColor: "", "build warn");  // the progress line is drawn only with colors

        Assert.Matches("warning: " + Sgr + "unused variable", terminal);
        // gcc colours its diagnostics only when told: its standard error is a pipe to kiln (-fdiagnostics-color=always).
        Assert.Contains("\u001b[01;35m\u001b[Kwarning", terminal, StringComparison.Ordinal);
        // Before: "[0/1] CompileC(…)a.c: In function 'f':" — the helper's output glued to the progress line.
        Assert.DoesNotMatch(@"\[\d+/\d+\][^\r\n]*a\.c:", terminal);
        Assert.Matches(@"(?m)^" + Sgr + @"(\./)?a\.c:" + Sgr + " In function", terminal);
    }

    [Fact]
    public void A_compilers_warning_piped_has_no_colors()
    {
        WriteWarningScript();

        var r = KilnProcess.Run(_root, "build", "warn");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("warning: unused variable", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', r.Error);
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Kiln.Cli.Tests.Build;

/// <summary>A build script is also a .NET file-based app: <c>dotnet run build.cs</c> runs it with a <c>#:project</c> line.</summary>
public sealed class FileBasedAppTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-cli-dotnet-run-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static string ContribProject([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "src", "Kiln.Contrib", "Kiln.Contrib.csproj"));

    // One `dotnet run` (it compiles Kiln, Kiln.Toolchain and Kiln.Contrib in Debug) serves both launchers' checks: the
    // script's own tool and two contrib tools, built by another build of Kiln.Contrib than kiln's (decision 0005).
    [Fact]
    public async Task Dotnet_run_and_kiln_build_run_the_same_script_and_share_the_run_database()
    {
        InstallPlaceTests.WriteProject(_root, $"#:project {ContribProject()}\n");

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = _root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "run", "build.cs" })
            info.ArgumentList.Add(a);
        using (var process = Process.Start(info)!)
        {
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(8)), "dotnet run build.cs did not finish");
            var all = await output + await error;
            Assert.True(process.ExitCode == 0, all);
            Assert.Equal(3, Regex.Count(all, "I start redo for "));
        }
        Assert.Equal("readme", File.ReadAllText(Path.Combine(_root, "build", "README.md")));
        Assert.True(File.Exists(Path.Combine(_root, "build", "hello")));

        // The script's tool is known by its file (relative to the root) and line, the contrib tools by assembly, type
        // and version: the same for both launchers, nothing to redo.
        var r = KilnProcess.Run(_root, "build");
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("redo necessary", r.Error, StringComparison.Ordinal);
        Assert.Contains("I run: 0 redo(s), 3 up to date", r.Error, StringComparison.Ordinal);
    }
}

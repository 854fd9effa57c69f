using System.Diagnostics;
using System.Runtime.CompilerServices;
using Kiln.Cli.Build;

namespace Kiln.Cli.Tests.Build;

/// <summary>A build script is also a .NET file-based app: <c>dotnet run build.cs</c> runs it with a <c>#:project</c> line.</summary>
public sealed class FileBasedAppTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-cli-dotnet-run-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static string KilnProject([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "src", "Kiln", "Kiln.csproj"));

    [Fact]
    public async Task Dotnet_run_and_kiln_build_run_the_same_script_and_share_the_run_database()
    {
        Directory.CreateDirectory(Path.Combine(_root, ".kiln"));
        File.WriteAllText(Path.Combine(_root, "README.md"), "readme");
        File.WriteAllText(Path.Combine(_root, "build.cs"), $"#:project {KilnProject()}\n" + InitCommand.StarterScript);

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
            Assert.Contains("I replaced regular file with different one: 'build/README.md'", all, StringComparison.Ordinal);
        }
        Assert.Equal("readme", File.ReadAllText(Path.Combine(_root, "build", "README.md")));

        // The tool's identity is its source file and line, the same for both launchers: nothing to redo.
        var r = KilnProcess.Run(_root, "build");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("I run: 0 redo(s), 1 up to date", r.Error, StringComparison.Ordinal);
    }
}

using Kiln.Testing;
using System.Diagnostics;
using System.Text.Json;
using Kiln.Toolchain;

namespace Kiln.Jit.Tests;

/// <summary>A real temporary cache directory plus helpers: a counting compiler wrapper and the child test host.</summary>
internal sealed class JitFixture : IDisposable
{
    public JitFixture()
    {
        Root = Directory.CreateTempSubdirectory("kiln-jit-test-").FullName;
        Cache = Path.Combine(Root, "cache");
    }

    public string Root { get; }

    public string Cache { get; }

    public string CountLog => Path.Combine(Root, "compiles.log");

    /// <summary>A compiler wrapper that logs every library compile (argument -shared) and then runs the real compiler.</summary>
    public string CountingCompiler(string real = "gcc")
    {
        var path = Path.Combine(Root, "counting-" + real);
        var realPath = CompilerDiscovery.FindExecutable(real)!;
        ExecutableScript.Write(path, $"#!/bin/sh\ncase \" $* \" in *\" -shared \"*) echo \"$$\" >> '{CountLog}';; esac\nexec '{realPath}' \"$@\"\n");
        return path;
    }

    public int Compiles => File.Exists(CountLog) ? File.ReadAllLines(CountLog).Length : 0;

    public string Write(string relative, string content)
    {
        var p = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllText(p, content);
        return p;
    }

    public static GeneratedCode ValueCode(string sig, int value) =>
        new($"#define KILN_VALUE {value}\n", $"#include \"{JitSignature.HeaderFileName(sig)}\"\nint kiln_value(void) {{ return KILN_VALUE; }}\n");

    public static unsafe int CallValue(JitLibrary library, string name = "kiln_value") =>
        ((delegate* unmanaged<int>)library.GetExport(name))();

    public static Process StartHost(params string[] args) => StartHost(new Dictionary<string, string>(), args);

    /// <summary>Starts the test host with extra environment variables.</summary>
    public static Process StartHost(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Kiln.Jit.TestHost.dll");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        foreach (var (k, v) in environment)
            info.Environment[k] = v;
        return Process.Start(info)!;
    }

    public static JsonElement Finish(Process p)
    {
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"test host printed nothing (exit {p.ExitCode}): {stderr}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    public static JsonElement RunHost(params string[] args)
    {
        using var p = StartHost(args);
        return Finish(p);
    }

    public static JsonElement RunHost(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var p = StartHost(environment, args);
        return Finish(p);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

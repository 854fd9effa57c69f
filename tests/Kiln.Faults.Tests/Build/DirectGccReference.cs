using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Kiln.Faults.Tests.Build;

/// <summary>
/// A cheap oracle for a <see cref="GeneratedCProject"/>: the outputs a from-scratch build of its current sources gives,
/// made without kiln's engine by running gcc directly with the commands a real from-scratch kiln build ran — each
/// compile of its compilation database (<c>kiln compdb</c>) verbatim, and the link as <c>LinkExecutable</c> runs it
/// (<c>&lt;driver&gt; -B&lt;dir&gt;/ -o build/app &lt;objects in start order&gt;</c>, src/Kiln.Contrib/LinkerTool.cs).
/// </summary>
/// <remarks>
/// Each output is built once per content of what it is built from, which is what makes it cheap: an object per
/// digest of its name and of the files <see cref="GeneratedCProject.InputsOf"/> names, compiled in a directory that
/// holds only those files (a compile that read anything else would fail there, so the key cannot miss an input); the
/// program per digest of the objects. Nothing else may enter the bytes (no debug information, no absolute paths):
/// callers compare this oracle with a kiln from-scratch build so that a drift cannot hide.
/// </remarks>
internal sealed class DirectGccReference : IDisposable
{
    private const string Program = "build/app";

    private sealed record Compile(string File, string Output, IReadOnlyList<string> Command)
    {
        /// <summary>The name of <see cref="GeneratedCProject.SourceNames"/>.</summary>
        public string Source => Path.GetFileNameWithoutExtension(File);
    }

    private readonly GeneratedCProject _project;
    private readonly string _scratch = Directory.CreateTempSubdirectory("kiln-faults-gcc-").FullName;
    private readonly IReadOnlyList<Compile> _compiles;
    private readonly string[] _driver;
    private readonly Dictionary<string, byte[]> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _programs = new(StringComparer.Ordinal);
    private readonly Stopwatch _watch = new();

    /// <summary>Compiles run so far (cache misses).</summary>
    public int CompileCount { get; private set; }

    /// <summary>Links run so far (cache misses).</summary>
    public int LinkCount { get; private set; }

    /// <summary>Time spent in <see cref="Outputs"/> so far, for the test's log (never asserted).</summary>
    public TimeSpan Elapsed => _watch.Elapsed;

    /// <summary>Takes the commands from the compilation database of the last kiln build in <paramref name="project"/>'s
    /// root, which must have been a build from scratch (its entries are every compile that build started).</summary>
    public DirectGccReference(GeneratedCProject project)
    {
        _project = project;
        var compdb = KilnProcess.Run(project.Root, "compdb");
        Assert.True(compdb.ExitCode == 0, "kiln compdb failed:\n" + compdb.Error);
        var root = Path.TrimEndingDirectorySeparator(project.Root);
        var compiles = new List<Compile>();
        using (var json = JsonDocument.Parse(compdb.Output))
        {
            foreach (var entry in json.RootElement.EnumerateArray())
            {
                var file = entry.GetProperty("file").GetString()!;
                var output = entry.GetProperty("output").GetString()!;
                var command = entry.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()!).ToList();
                // The commands name the files relative to the root, so they run the same in a directory of the oracle's.
                Assert.Equal(root, entry.GetProperty("directory").GetString());
                Assert.Equal(file, command[^1]);
                Assert.Equal(output, command[command.IndexOf("-o") + 1]);
                compiles.Add(new Compile(file, output, command));
            }
        }
        Assert.Equal(project.SourceNames.Select(n => $"src/{n}.c"), compiles.Select(c => c.File));
        Assert.Equal(project.SourceNames.Select(n => $"build/obj/{n}.o"), compiles.Select(c => c.Output));
        _compiles = compiles;
        // LinkExecutable's Linker and CompileC's Compiler are both the helper "gcc": the same driver and -B argument.
        _driver = [.. compiles[0].Command.Take(2)];
        Assert.StartsWith("-B", _driver[1], StringComparison.Ordinal);
    }

    /// <summary>Every output (relative path → content) of a from-scratch build of the project's current sources.</summary>
    public SortedDictionary<string, byte[]> Outputs()
    {
        _watch.Start();
        try
        {
            return Build();
        }
        finally
        {
            _watch.Stop();
        }
    }

    private SortedDictionary<string, byte[]> Build()
    {
        var keyed = _compiles.Select(c =>
        {
            var inputs = GeneratedCProject.InputsOf(c.Source).Select(f => (Path: f, Bytes: File.ReadAllBytes(Path.Combine(_project.Root, f)))).ToList();
            return (Compile: c, Inputs: inputs, Key: Digest([Encoding.UTF8.GetBytes(c.Source), .. inputs.SelectMany(i => new[] { Encoding.UTF8.GetBytes(i.Path), i.Bytes })]));
        }).ToList();
        var missing = keyed.Where(k => !_objects.ContainsKey(k.Key)).ToList();
        var built = new byte[missing.Count][];
        // Two at a time, as the kiln build does (maxParallelRedoCount: 2); a header edit makes every object new.
        try
        {
            Parallel.For(0, missing.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
            {
                var (compile, inputs, _) = missing[i];
                var directory = FreshDirectory(compile.Source);
                foreach (var (path, bytes) in inputs)
                    Write(directory, path, bytes);
                Directory.CreateDirectory(Path.Combine(directory, Path.GetDirectoryName(compile.Output)!));
                built[i] = Run(directory, compile.Command, compile.Output);
            });
        }
        catch (AggregateException e)
        {
            // The first failed compile's own assertion message, not "one or more errors occurred".
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        for (var i = 0; i < missing.Count; i++)
            _objects[missing[i].Key] = built[i];
        CompileCount += missing.Count;

        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (compile, _, key) in keyed)
            result[compile.Output] = _objects[key];
        var programKey = Digest(_compiles.Select(c => result[c.Output]));
        if (!_programs.TryGetValue(programKey, out var program))
        {
            var directory = FreshDirectory("link");
            foreach (var compile in _compiles)
                Write(directory, compile.Output, result[compile.Output]);
            _programs[programKey] = program = Run(directory, [.. _driver, "-o", Program, .. _compiles.Select(c => c.Output)], Program);
            LinkCount++;
        }
        result[Program] = program;
        return result;
    }

    private string FreshDirectory(string name)
    {
        var directory = Path.Combine(_scratch, name);
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static void Write(string directory, string relative, byte[] bytes)
    {
        var path = Path.Combine(directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    private static string Digest(IEnumerable<byte[]> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            // Length-prefixed, so that no two sequences of parts give the same stream.
            hash.AppendData(BitConverter.GetBytes(part.LongLength));
            hash.AppendData(part);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Runs <paramref name="command"/> (program first) in <paramref name="directory"/>; returns the bytes of
    /// <paramref name="output"/> there.</summary>
    private static byte[] Run(string directory, IReadOnlyList<string> command, string output)
    {
        var info = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"reference command did not finish within 2 minutes: {string.Join(' ', command)}");
        }
        Assert.True(process.ExitCode == 0, $"reference command failed (exit {process.ExitCode}) in {directory}: {string.Join(' ', command)}\n{stdout.Result}{stderr.Result}");
        return File.ReadAllBytes(Path.Combine(directory, output));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's /tmp cleaning.
        }
    }
}

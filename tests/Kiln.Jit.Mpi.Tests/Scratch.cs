using Kiln.Testing;
using Kiln.Toolchain;

namespace Kiln.Jit.Mpi.Tests;

/// <summary>A temporary folder with a compiler wrapper that appends one line per library compile.</summary>
internal sealed class Scratch : IDisposable
{
    public Scratch()
    {
        Root = Directory.CreateTempSubdirectory("kiln-jit-mpi-test-").FullName;
    }

    public string Root { get; }

    public string CountLog => Path.Combine(Root, "compiles.log");

    public int Compiles => File.Exists(CountLog) ? File.ReadAllLines(CountLog).Length : 0;

    /// <summary>Logs "tag rank pid" for every compile with -shared (not the compiler probes), then runs the real compiler.</summary>
    public string CountingCompiler(string real = "g++")
    {
        var path = Path.Combine(Root, "count-" + real + ".sh");
        var realPath = CompilerDiscovery.FindExecutable(real)!;
        ExecutableScript.Write(path, "#!/bin/sh\ncase \" $* \" in *\" -shared \"*) echo \"${KILN_COUNT_TAG:-none} ${OMPI_COMM_WORLD_RANK:-${PMI_RANK:--}} $$\" >> '"
            + CountLog + "';; esac\nexec '" + realPath + "' \"$@\"\n");
        return path;
    }

    public string Cache(string name) => Path.Combine(Root, name);

    public static JitRequest Request(string signature, string cache, string compiler, int value = 7, bool broken = false) => new()
    {
        Signature = signature,
        CacheDirectory = cache,
        LockTimeout = TimeSpan.FromSeconds(30),
        Build = new JitBuildOptions { Language = SourceLanguage.Cxx, Compiler = compiler },
        Generate = _ => new GeneratedCode($"#define KILN_VALUE {value}\n",
            broken ? "this is not C++\n" : $"extern \"C\" int kiln_value() {{ return {value}; }}\n"),
    };

    public static unsafe int CallValue(JitLibrary library) => ((delegate* unmanaged<int>)library.GetExport("kiln_value"))();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

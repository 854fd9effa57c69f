// Kiln.Mpi.TestHost: run under mpirun by Kiln.Mpi.Tests. Every rank prints exactly one line "KILN-MPI {json}" and
// exits; on failure the JSON carries "error" and "errorType". Scenarios:
//   info                                   rank, size, flavour, library, MPI_Init cost
//   collectives                            broadcast, allreduce, send/receive ring, split, split-shared, duplicate, agree, run-on-root
//   discover --base DIR [--group-size N] [--repeat K] [--method TouchFiles|NodeThenTouchFiles]
//                                          discovery in DIR/shared (N=0) or DIR/g<rank/N> (simulated nodes)
// Common options: --out DIR (also write DIR/<rank>.json), --default-timeout-s S.
//   build --base DIR [--group-size N] [--mode Node|Root|Process|Auto] [--fail yes]
//                                          DistributedBuild with a stand-in build; DIR/actions/ lists builds/installs
//   primitives [--repeat K]                median time of each operation (slowest rank)
//   absent --absent-rank R --op OP --timeout-ms T --signal DIR
//                                          rank R never joins OP (barrier|broadcast|allreduce|receive|duplicate); the others
//                                          must time out; R waits until they reported, then aborts the job
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Kiln.Mpi;
using Kiln.Mpi.Discovery;
using Kiln.Testing;

var report = new RankReport(args, "KILN-MPI", "info");
var scenario = report.Scenario;
var line = report.Line;
string Option(string name, string fallback) => report.Option(name, fallback);
void Print() => report.Print();

MpiSession session;
var started = Stopwatch.GetTimestamp();
try
{
    session = MpiSession.Initialize(TimeSpan.FromSeconds(double.Parse(Option("default-timeout-s", "60"), CultureInfo.InvariantCulture)));
}
catch (MpiException e)
{
    line["error"] = e.Message;
    line["errorType"] = e.GetType().Name;
    Print();
    return 2;
}
MpiSessionAccess.Session = session;
var world = session.World;
line["rank"] = world.Rank;
line["size"] = world.Size;
line["flavour"] = session.Flavour.ToString();
line["library"] = session.LibraryPath;
line["libraryReason"] = session.LibraryReason;
line["libraryVersion"] = session.LibraryVersion;
line["initializedByKiln"] = session.InitializedByKiln;
line["threadLevel"] = session.ThreadLevel;
line["environmentSet"] = session.EnvironmentSet;
line["initMs"] = Math.Round(session.InitializeDuration.TotalMilliseconds, 1);
line["startupToWorldMs"] = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);

try
{
    switch (scenario)
    {
        case "info":
            line["nullReferenceCaught"] = NullReferenceIsCaught();
            line["divideByZeroCaught"] = DivideByZeroIsCaught(world.Size - world.Size);
            line["childProcessExit"] = ChildProcessExit();
            break;
        case "collectives":
            Collectives(world, line);
            break;
        case "discover":
            Discover(world, line, Option("base", "."), int.Parse(Option("group-size", "0"), CultureInfo.InvariantCulture),
                int.Parse(Option("repeat", "1"), CultureInfo.InvariantCulture), Enum.Parse<DiscoveryMethod>(Option("method", "TouchFiles")));
            break;
        case "build":
            Build(world, line, Option("base", "."), int.Parse(Option("group-size", "0"), CultureInfo.InvariantCulture),
                Enum.Parse<Kiln.Mpi.Coordination.BuildMode>(Option("mode", "Auto")), Option("fail", "") == "yes");
            break;
        case "primitives":
            Primitives(world, line, int.Parse(Option("repeat", "21"), CultureInfo.InvariantCulture));
            break;
        case "absent":
            return Absent(session, line, int.Parse(Option("absent-rank", "1"), CultureInfo.InvariantCulture), Option("op", "broadcast"),
                int.Parse(Option("timeout-ms", "1500"), CultureInfo.InvariantCulture), Option("signal", "."), Print);
        default:
            throw new ArgumentException("unknown scenario " + scenario);
    }
}
catch (Exception e)
{
    line["error"] = e.Message;
    line["errorType"] = e.GetType().Name;
    Print();
    session.Abort(4);
    return 4;
}
Print();
session.Dispose();
return 0;

static void Collectives(ICommunicator world, Dictionary<string, object?> line)
{
    int rank = world.Rank, size = world.Size;
    var root = size - 1;
    var payload = world.Broadcast(rank == root ? Encoding.UTF8.GetBytes($"hello from {root}") : null, root);
    line["broadcast"] = Encoding.UTF8.GetString(payload);
    var big = world.Broadcast(rank == 0 ? [.. Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7))] : null, 0);
    line["bigBroadcastOk"] = big.Length == 1 << 20 && big.Select((b, i) => b == (byte)(i * 7)).All(x => x);
    line["sumInt"] = world.AllReduce(rank + 1, ReduceOperation.Sum);
    line["minInt"] = world.AllReduce(rank + 1, ReduceOperation.Min);
    line["maxLong"] = world.AllReduce((1L << 40) + rank, ReduceOperation.Max);
    line["sumLong"] = world.AllReduce(1L << 40, ReduceOperation.Sum);
    if (size > 1)
    {
        var next = (rank + 1) % size;
        var previous = (rank + size - 1) % size;
        // Even ranks send first, odd ranks receive first: no reliance on eager buffering.
        if (rank % 2 == 0)
        {
            world.Send(Encoding.UTF8.GetBytes($"from {rank}"), next, 7);
            line["received"] = Encoding.UTF8.GetString(world.Receive(previous, 7));
        }
        else
        {
            line["received"] = Encoding.UTF8.GetString(world.Receive(previous, 7));
            world.Send(Encoding.UTF8.GetBytes($"from {rank}"), next, 7);
        }
    }
    using (var parity = world.Split(rank % 2, -rank)!)
    {
        line["splitSize"] = parity.Size;
        line["splitRank"] = parity.Rank;
        line["splitSum"] = parity.AllReduce(rank, ReduceOperation.Sum);
    }
    line["splitNoneIsNull"] = world.Split(rank == 0 ? 0 : -1, 0) is null == (rank != 0);
    using (var node = world.SplitShared())
        line["nodeSize"] = node.Size;
    using (var dup = world.Duplicate())
    {
        dup.Barrier();
        line["dupRank"] = dup.Rank;
    }
    using (var adopted = MpiSessionAccess.Session!.Adopt(MpiSessionAccess.Session.WorldHandle, "adopted world"))
        line["adoptedSum"] = adopted.AllReduce(1, ReduceOperation.Sum);
    line["allTrue"] = world.AllTrue(rank != 1);
    line["anyTrue"] = world.AnyTrue(rank == size - 1);
    try
    {
        world.RunOnRoot(0, () => throw new InvalidOperationException("compiler said no"));
    }
    catch (RootFailedException e)
    {
        line["rootFailure"] = e.Message;
    }
    line["rootResult"] = Encoding.UTF8.GetString(world.RunOnRoot(0, () => Encoding.UTF8.GetBytes("built")));
}

static void Build(ICommunicator world, Dictionary<string, object?> line, string baseDirectory, int groupSize,
    Kiln.Mpi.Coordination.BuildMode mode, bool fail)
{
    // A stand-in for Kiln.Jit: "building" writes a library file via temp + rename; every build and install leaves a
    // file "<rank> <action> <guid>" in base/actions/, so the test counts them across processes.
    var directory = groupSize <= 0 ? Path.Combine(baseDirectory, "shared") : Path.Combine(baseDirectory, "g" + (world.Rank / groupSize).ToString(CultureInfo.InvariantCulture));
    Directory.CreateDirectory(directory);
    world.Barrier();
    var library = Path.Combine(directory, "libk.so");
    // One file per action: .NET's FileMode.Append seeks to the end instead of using O_APPEND, so appends from
    // several processes to one log would lose lines.
    var actions = Directory.CreateDirectory(Path.Combine(baseDirectory, "actions")).FullName;
    void Log(string action) => File.WriteAllText(Path.Combine(actions, $"{world.Rank} {action} {Guid.NewGuid():N}"), "");
    void Publish(byte[] bytes)
    {
        var temp = library + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, library, overwrite: true);
    }
    var callbacks = new Kiln.Mpi.Coordination.BuildCallbacks(
        IsPublished: () => File.Exists(library),
        Build: () =>
        {
            Log("build");
            if (fail)
                throw new InvalidOperationException("k.cpp:1:1: error: expected unqualified-id");
            Thread.Sleep(100); // a compile
            Publish(Encoding.UTF8.GetBytes("library built by rank " + world.Rank.ToString(CultureInfo.InvariantCulture)));
        },
        ReadPublished: () => File.ReadAllBytes(library),
        Install: bytes =>
        {
            Log("install");
            Publish(bytes);
        });
    using var topology = SharedDirectoryDiscovery.Discover(world, directory);
    var t = Stopwatch.GetTimestamp();
    try
    {
        var outcome = Kiln.Mpi.Coordination.DistributedBuild.Run(world, topology, mode, callbacks);
        line["mode"] = outcome.Mode.ToString();
        line["role"] = outcome.Role.ToString();
        line["libraryContent"] = File.ReadAllText(library);
        var again = Kiln.Mpi.Coordination.DistributedBuild.Run(world, topology, mode, callbacks);
        line["secondRole"] = again.Role.ToString();
    }
    catch (Exception e) when (e is RootFailedException or InvalidOperationException)
    {
        line["buildError"] = e.Message;
    }
    line["buildMsMaxOverRanks"] = world.AllReduce((long)Stopwatch.GetElapsedTime(t).TotalMicroseconds, ReduceOperation.Max) / 1000.0;
}

// MPI libraries may install handlers for SIGSEGV/SIGBUS (Open MPI's opal_signal); .NET turns SIGSEGV on a null
// access into NullReferenceException and must keep doing so after MPI_Init.
static bool NullReferenceIsCaught()
{
    try
    {
        string? nothing = Environment.GetEnvironmentVariable("KILN_TESTHOST_NO_SUCH_VARIABLE_" + Environment.ProcessId);
        return nothing!.Length < 0;
    }
    catch (NullReferenceException)
    {
        return true;
    }
}

static bool DivideByZeroIsCaught(int zero)
{
    try
    {
        return 1 / zero == 42;
    }
    catch (DivideByZeroException)
    {
        return true;
    }
}

// Kiln.Jit runs the compiler as a child process: its exit must still be observed after MPI_Init (SIGCHLD).
static int ChildProcessExit()
{
    using var child = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 7"]) { UseShellExecute = false })!;
    return child.WaitForExit(30_000) ? child.ExitCode : -1;
}

static void Primitives(ICommunicator world, Dictionary<string, object?> line, int repeat)
{
    // Median over repetitions of the slowest rank's time per operation, in milliseconds.
    void Time(string name, Action action)
    {
        var samples = new List<double>();
        for (var i = 0; i < repeat; i++)
        {
            var t = Stopwatch.GetTimestamp();
            action();
            samples.Add(world.AllReduce((long)Stopwatch.GetElapsedTime(t).TotalMicroseconds, ReduceOperation.Max) / 1000.0);
        }
        line[name + "Ms"] = samples.Order().ElementAt(samples.Count / 2);
    }
    Time("barrier", () => world.Barrier());
    Time("allReduce", () => world.AllReduce(1, ReduceOperation.Sum));
    Time("broadcast16", () => world.Broadcast(world.Rank == 0 ? new byte[16] : null, 0));
    Time("broadcast1M", () => world.Broadcast(world.Rank == 0 ? new byte[1 << 20] : null, 0));
    Time("split", () => world.Split(world.Rank % 2, 0)!.Dispose());
    Time("splitShared", () => world.SplitShared().Dispose());
    Time("duplicate", () => world.Duplicate().Dispose());
}

static void Discover(ICommunicator world, Dictionary<string, object?> line, string baseDirectory, int groupSize, int repeat, DiscoveryMethod method)
{
    var directory = groupSize <= 0 ? Path.Combine(baseDirectory, "shared") : Path.Combine(baseDirectory, "g" + (world.Rank / groupSize).ToString(CultureInfo.InvariantCulture));
    Directory.CreateDirectory(directory);
    world.Barrier();
    if (Environment.GetEnvironmentVariable("KILN_TESTHOST_WARM_MPI") == "1")
    {
        // Separates MPI's first-use costs from .NET's: run the primitives once in another directory first.
        var t0 = Stopwatch.GetTimestamp();
        using (var a = world.Split(0, world.Rank)!)
            a.AllReduce(1, ReduceOperation.Sum);
        using (var b = world.SplitShared())
            b.AllReduce(1L, ReduceOperation.Min);
        world.Broadcast(world.Rank == 0 ? new byte[16] : null, 0);
        line["warmPrimitivesMs"] = world.AllReduce((long)Stopwatch.GetElapsedTime(t0).TotalMicroseconds, ReduceOperation.Max) / 1000.0;
    }
    var maxMs = new List<double>();
    DirectoryTopology? last = null;
    for (var i = 0; i < repeat; i++)
    {
        last?.Dispose();
        world.Barrier();
        var t = Stopwatch.GetTimestamp();
        last = SharedDirectoryDiscovery.Discover(world, directory, method);
        var us = (long)Stopwatch.GetElapsedTime(t).TotalMicroseconds;
        maxMs.Add(world.AllReduce(us, ReduceOperation.Max) / 1000.0);
    }
    var topology = last!;
    line["directory"] = Path.GetFileName(directory);
    line["groupRanks"] = topology.GroupRanks;
    line["leader"] = topology.Leader;
    line["isLeader"] = topology.IsLeader;
    line["groupSize"] = topology.Group.Size;
    line["groupRank"] = topology.Group.Rank;
    line["leadersSize"] = topology.Leaders?.Size;
    line["directoryCount"] = topology.DirectoryCount;
    line["nodeCount"] = topology.NodeCount;
    line["spansNodes"] = topology.SpansNodes;
    line["nodeHasOtherDirectories"] = topology.NodeHasOtherDirectories;
    line["listingRounds"] = topology.ListingRounds;
    line["discoveryMsMaxOverRanks"] = maxMs;
    line["discoveryMsMedian"] = maxMs.Order().ElementAt(maxMs.Count / 2);
    line["leftoverMarkers"] = Directory.EnumerateFiles(directory, ".kiln-*").Count();
    topology.Dispose();
}

static int Absent(MpiSession session, Dictionary<string, object?> line, int absentRank, string op, int timeoutMs, string signal, Action print)
{
    var world = session.World;
    var timeout = TimeSpan.FromMilliseconds(timeoutMs);
    world.Barrier();
    if (world.Rank == absentRank)
    {
        // Never joins: wait (bounded) until every other rank has reported its timeout, then end the job.
        line["absent"] = true;
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
        while (Directory.EnumerateFiles(signal, "timedout.*").Count() < world.Size - 1 && Stopwatch.GetTimestamp() < deadline)
            Thread.Sleep(20);
        line["othersReported"] = Directory.EnumerateFiles(signal, "timedout.*").Count();
        print();
        session.Abort(3);
        return 3;
    }
    try
    {
        switch (op)
        {
            case "barrier": world.Barrier(timeout); break;
            case "broadcast": world.Broadcast(world.Rank == absentRank ? [1] : null, absentRank, timeout); break;
            case "allreduce": world.AllReduce(1, ReduceOperation.Sum, timeout); break;
            case "receive": world.Receive(absentRank, 3, timeout); break;
            case "duplicate": world.Duplicate(timeout); break;
            default: throw new ArgumentException("unknown op " + op);
        }
        line["error"] = "completed without the absent rank";
    }
    catch (MpiTimeoutException e)
    {
        line["error"] = e.Message;
        line["errorType"] = e.GetType().Name;
        line["operation"] = e.Operation;
        try
        {
            world.Barrier(timeout);
        }
        catch (MpiException again)
        {
            line["afterwards"] = again.Message;
        }
    }
    print();
    File.WriteAllText(Path.Combine(signal, "timedout." + world.Rank.ToString(CultureInfo.InvariantCulture)), "");
    Thread.Sleep(Timeout.Infinite); // the absent rank aborts the job
    return 0;
}

static class MpiSessionAccess
{
    public static MpiSession? Session { get; set; }
}

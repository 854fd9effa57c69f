using System.Diagnostics;
using Kiln.Mpi.Native;

namespace Kiln.Mpi;

/// <summary>
/// Kiln's use of the process's MPI library: opens the library that matches the launcher, initialises MPI unless the
/// application already did, checks that the library agrees with the launcher, and hands out Kiln-private
/// communicators. One per process.
/// </summary>
/// <remarks>
/// <para><b>Which library.</b> <c>KILN_MPI_LIBRARY</c> (a file name or path) if set; else the launcher's
/// environment decides: <c>OMPI_COMM_WORLD_SIZE</c> → Open MPI (<c>libmpi.so.40</c>), <c>PMI_SIZE</c>/<c>PMI_RANK</c>
/// → MPICH (<c>libmpich.so.12</c>); with no launcher (a singleton run) Open MPI is tried first, then MPICH.</para>
/// <para><b>Agreement with the launcher.</b> A library of the other family than the launcher fails before MPI_Init;
/// after MPI_Init the launcher's size variable must equal MPI_Comm_size (the known pitfall: the wrong library
/// silently yields rank 0 of 1 on every process). Either failure is one <see cref="MpiException"/> line.</para>
/// <para><b>Signals.</b> Before opening the library Kiln sets <c>UCX_HANDLE_ERRORS=none</c> (unless set by the user), because
/// UCX's SIGSEGV handler would turn every later NullReferenceException into a crash.</para>
/// <para><b>Threads.</b> Kiln asks for MPI_THREAD_SERIALIZED and serialises its own calls; if the application
/// initialised MPI with a lower level (see <see cref="ThreadLevel"/>), use Kiln only from the thread that the
/// application's level allows.</para>
/// <para><b>Lifetime.</b> If Kiln called MPI_Init, <see cref="Dispose"/> calls MPI_Finalize, except after a
/// timeout (a pending collective would make MPI_Finalize hang; call <see cref="Abort"/> instead). If the application
/// initialised MPI, the application finalises it, after disposing this session.</para>
/// </remarks>
public sealed class MpiSession : IDisposable
{
    private static readonly object Lock = new();
    private static MpiSession? _current;

    private readonly NativeCommunicator _world;
    private bool _disposed;
    private bool _timedOut;

    private MpiSession(NativeMpi mpi, string library, string reason, bool initializedByKiln, int threadLevel,
        TimeSpan initializeDuration, TimeSpan timeout)
    {
        Mpi = mpi;
        LibraryPath = library;
        LibraryReason = reason;
        InitializedByKiln = initializedByKiln;
        ThreadLevel = threadLevel;
        InitializeDuration = initializeDuration;
        DefaultTimeout = timeout;
        lock (mpi.Gate)
        {
            LibraryVersion = mpi.LibraryVersion();
            _world = new NativeCommunicator(this, mpi.CommDup(mpi.CommWorld), "world", timeout);
        }
    }

    /// <summary>The ABI family of the loaded library.</summary>
    public MpiFlavour Flavour => Mpi.Flavour;

    /// <summary>The library name or path that was opened.</summary>
    public string LibraryPath { get; }

    /// <summary>Why that library was chosen (the variable that decided).</summary>
    public string LibraryReason { get; }

    /// <summary>The first line of MPI_Get_library_version.</summary>
    public string LibraryVersion { get; }

    /// <summary>Whether Kiln called MPI_Init (and so will call MPI_Finalize).</summary>
    public bool InitializedByKiln { get; }

    /// <summary>The thread level MPI provides (0 single … 3 multiple); Kiln needs 2 (serialized) when used from several threads.</summary>
    public int ThreadLevel { get; }

    /// <summary>Time spent opening the library and in MPI_Init (zero-ish when the application had initialised MPI).</summary>
    public TimeSpan InitializeDuration { get; }

    /// <summary>The timeout of communicators this session creates.</summary>
    public TimeSpan DefaultTimeout { get; }

    /// <summary>
    /// The variable Kiln set before opening the MPI library so that the transport leaves .NET's SIGSEGV handling alone
    /// (<c>UCX_HANDLE_ERRORS=none</c>: UCX otherwise turns every NullReferenceException into a crash), or
    /// <see langword="null"/> if the user had configured it.
    /// </summary>
    public string? EnvironmentSet { get; private init; }

    /// <summary>A Kiln-private duplicate of MPI_COMM_WORLD.</summary>
    public ICommunicator World => _world;

    internal NativeMpi Mpi { get; }

    /// <summary>False once MPI was finalised (by anyone): then no MPI call may be made.</summary>
    internal bool CanCallMpi => !_disposed && !Mpi.Finalized();

    /// <summary>
    /// Opens the MPI library and initialises MPI if nobody has; returns the process's session.
    /// </summary>
    /// <param name="timeout">Default timeout of the communicators; <see langword="null"/> means 5 minutes (a build
    /// that other ranks wait for must fit in it).</param>
    /// <param name="library">The library to open, overriding <c>KILN_MPI_LIBRARY</c> and the launcher's environment.</param>
    /// <returns>The session; dispose it at the end of the program.</returns>
    /// <exception cref="MpiException">No usable MPI library, or it does not match the launcher.</exception>
    /// <exception cref="InvalidOperationException">A session exists already.</exception>
    public static MpiSession Initialize(TimeSpan? timeout = null, string? library = null)
    {
        lock (Lock)
        {
            if (_current is { _disposed: false })
                throw new InvalidOperationException("an MpiSession exists already in this process; use it (MPI initialises once per process)");
            var started = Stopwatch.GetTimestamp();
            var choice = LibraryChoice.FromEnvironment(Environment.GetEnvironmentVariables());
            if (library is not null)
                choice = choice with { Candidates = [library], Reason = "the library argument of MpiSession.Initialize" };
            // Before dlopen: UCX parses its configuration in a library constructor when libucs is loaded.
            var environmentSet = TransportEnvironment.KeepRuntimeSignalHandlers();
            var (mpi, opened) = Open(choice);
            if (choice.Launcher is { } launcher && launcher != mpi.Flavour)
                throw new MpiException($"Kiln.Mpi: {opened} is {Describe(mpi.Flavour)} but the processes were started by {LibraryChoice.LauncherName(launcher)} ({choice.LauncherSizeVariable ?? "PMI_RANK"}); the library must match the launcher: use {LibraryChoice.Suggest(launcher)} (unset or fix {LibraryChoice.OverrideVariable}) or launch with the other flavour's launcher");
            bool byKiln;
            int level;
            lock (mpi.Gate)
            {
                if (mpi.Finalized())
                    throw new MpiException("Kiln.Mpi: MPI was finalised already in this process; it cannot be initialised again");
                byKiln = !mpi.Initialized();
                if (byKiln)
                {
                    level = mpi.InitThread(NativeMpi.ThreadSerialized);
                }
                else
                {
                    level = mpi.QueryThread();
                }
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            int size;
            lock (mpi.Gate)
                size = mpi.CommSize(mpi.CommWorld);
            if (choice.LauncherSize is { } expected && expected != size)
            {
                if (byKiln)
                    lock (mpi.Gate)
                        mpi.FinalizeMpi();
                throw new MpiException($"Kiln.Mpi: {opened} ({Describe(mpi.Flavour)}) sees {size} rank(s) but the launcher started {expected} ({choice.LauncherSizeVariable}): the library does not belong to the launcher that started this process (another MPI installation, or a launcher variable inherited from an enclosing job); set {LibraryChoice.OverrideVariable} to the launcher's own library");
            }
            _current = new MpiSession(mpi, opened, choice.Reason, byKiln, level, elapsed, timeout ?? TimeSpan.FromMinutes(5))
            {
                EnvironmentSet = environmentSet,
            };
            return _current;
        }
    }

    /// <summary>
    /// Collective over the application's communicator: adopts it by duplication, so that Kiln's messages never mix
    /// with the application's; the original is never touched otherwise.
    /// </summary>
    /// <param name="handle">The native handle: for Open MPI the <c>MPI_Comm</c> pointer, for MPICH the <c>int</c> value.</param>
    /// <param name="name">A name for messages.</param>
    /// <param name="timeout">Bound for every rank's arrival; <see langword="null"/> means <see cref="DefaultTimeout"/>.</param>
    /// <returns>Kiln's duplicate; the caller disposes it.</returns>
    public ICommunicator Adopt(nint handle, string name = "application", TimeSpan? timeout = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return NativeCommunicator.DuplicateForeign(this, handle, name, timeout ?? DefaultTimeout);
    }

    /// <summary>The native handle of MPI_COMM_WORLD in this library (for <see cref="Adopt"/> and tests).</summary>
    public nint WorldHandle => Mpi.CommWorld;

    /// <summary>Ends every process of the job (MPI_Abort on MPI_COMM_WORLD); the way out after a timeout.</summary>
    /// <param name="errorCode">The exit status the launcher reports.</param>
    public void Abort(int errorCode)
    {
        lock (Mpi.Gate)
            Mpi.Abort(Mpi.CommWorld, errorCode);
    }

    /// <summary>Frees Kiln's world communicator and, if Kiln initialised MPI and no operation timed out, finalises MPI.</summary>
    public void Dispose()
    {
        lock (Lock)
        {
            if (_disposed)
                return;
            _world.Dispose();
            _disposed = true;
            lock (Mpi.Gate)
            {
                if (InitializedByKiln && !_timedOut && !Mpi.Finalized())
                    Mpi.FinalizeMpi();
            }
        }
    }

    internal void NoteTimeout() => _timedOut = true;

    private static string Describe(MpiFlavour flavour) => flavour == MpiFlavour.OpenMpi ? "Open MPI" : "MPICH";

    private static (NativeMpi Mpi, string Opened) Open(LibraryChoice choice)
    {
        var errors = new List<string>();
        foreach (var name in choice.Candidates)
        {
            var handle = Kiln.Platform.Posix.DynamicLoader.OpenGlobal(name, out var error);
            if (handle != 0)
                return (new NativeMpi(handle, name), name);
            errors.Add(error ?? name);
        }
        throw new MpiException($"Kiln.Mpi: no MPI library could be opened (chosen by {choice.Reason}): {string.Join("; ", errors)}; install Open MPI (libmpi.so.40) or MPICH (libmpich.so.12), or set {LibraryChoice.OverrideVariable}");
    }
}

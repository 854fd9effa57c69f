namespace Kiln.Mpi.Native;

/// <summary>
/// Environment settings that MPI transports read during MPI_Init and that a .NET process needs.
/// </summary>
/// <remarks>
/// The .NET runtime turns SIGSEGV on a null access into <see cref="NullReferenceException"/>. UCX (the transport
/// of Debian's MPICH 4.0.2, ch4:ucx, and of Open MPI on InfiniBand) installs its own SIGSEGV handler unless told
/// not to; measured here, after MPI_Init every NullReferenceException then ended the process with UCX's "Caught
/// signal 11 (Segmentation fault)" backtrace. UCX also intercepts <c>sigaction</c>, so restoring the runtime's
/// handler afterwards is not an option; <c>UCX_HANDLE_ERRORS=none</c> is — set before the MPI library is opened,
/// because libucs reads its configuration in a library constructor (setting it only before MPI_Init did not help). A value the user set wins.
/// The variable is set in the native environment (libc <c>setenv</c>): .NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not change what native code reads.
/// </remarks>
internal static class TransportEnvironment
{
    public const string UcxHandleErrors = "UCX_HANDLE_ERRORS";
    public const string UcxErrorSignals = "UCX_ERROR_SIGNALS";

    /// <summary>Sets <c>UCX_HANDLE_ERRORS=none</c> unless the user configured UCX's error handling; returns what it did.</summary>
    public static string? KeepRuntimeSignalHandlers()
    {
        if (Environment.GetEnvironmentVariable(UcxHandleErrors) is not null || Environment.GetEnvironmentVariable(UcxErrorSignals) is not null)
            return null;
        Kiln.Platform.Posix.NativeEnvironment.Set(UcxHandleErrors, "none", overwrite: false);
        return UcxHandleErrors + "=none";
    }
}

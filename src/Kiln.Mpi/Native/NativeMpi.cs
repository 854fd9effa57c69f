using System.Runtime.InteropServices;
using System.Text;

namespace Kiln.Mpi.Native;

/// <summary>
/// The MPI C functions Kiln calls, resolved at run time from an already opened library, for both ABI families.
/// </summary>
/// <remarks>
/// <para><b>Handles.</b> Open MPI's <c>MPI_Comm</c>, <c>MPI_Datatype</c>, <c>MPI_Op</c>, <c>MPI_Request</c>… are pointers:
/// the predefined ones are the addresses of exported globals (<c>#define MPI_COMM_WORLD OMPI_PREDEFINED_GLOBAL(MPI_Comm,
/// ompi_mpi_comm_world)</c> in <c>/usr/lib/x86_64-linux-gnu/openmpi/include/mpi.h</c>, Open MPI 4.1.4). MPICH's are
/// <c>typedef int</c> with constants from its <c>mpi.h</c>. Kiln carries every handle as <see cref="nint"/> and calls
/// each function through a pointer type whose handle parameters are <c>int</c> (MPICH) or <c>nint</c> (Open MPI),
/// so no calling-convention coincidence is relied upon. Out-handles (<c>MPI_Comm*</c>, <c>MPI_Request*</c>) are read
/// with the flavour's width.</para>
/// <para><b>Thread use.</b> Callers hold <see cref="Gate"/> around every call (Kiln asks for MPI_THREAD_SERIALIZED).</para>
/// </remarks>
internal sealed unsafe class NativeMpi
{
    // ---- MPICH constants: /usr/include/x86_64-linux-gnu/mpich/mpi.h of Debian 12's libmpich-dev 4.0.2 (line numbers of that file).
    private const int MpichCommWorld = 0x44000000;      // l.279  #define MPI_COMM_WORLD ((MPI_Comm)0x44000000)
    private const int MpichCommNull = 0x04000000;       // l.89   #define MPI_COMM_NULL ((MPI_Comm)0x04000000)
    private const int MpichByte = 0x4c00010d;           // l.108  #define MPI_BYTE ((MPI_Datatype)0x4c00010d)
    private const int MpichInt = 0x4c000405;            // l.112  #define MPI_INT ((MPI_Datatype)0x4c000405)
    private const int MpichInt64 = 0x4c00083a;          // l.226  #define MPI_INT64_T ((MPI_Datatype)0x4c00083a)
    private const int MpichOpMax = 0x58000001;          // l.305  #define MPI_MAX (MPI_Op)(0x58000001)
    private const int MpichOpMin = 0x58000002;          // l.306  #define MPI_MIN (MPI_Op)(0x58000002)
    private const int MpichOpSum = 0x58000003;          // l.307  #define MPI_SUM (MPI_Op)(0x58000003)
    private const int MpichErrorsReturn = 0x54000001;   // l.423  #define MPI_ERRORS_RETURN ((MPI_Errhandler)0x54000001)
    private const int MpichInfoNull = 0x1c000000;       // l.529  #define MPI_INFO_NULL ((MPI_Info)0x1c000000)
    private const int MpichCommTypeShared = 1;          // l.552  #define MPI_COMM_TYPE_SHARED 1
    private const nint MpichStatusIgnore = 1;           // l.760  #define MPI_STATUS_IGNORE (MPI_Status *)1

    // ---- Open MPI 4.1.4: /usr/lib/x86_64-linux-gnu/openmpi/include/mpi.h.
    private const int OpenMpiCommTypeShared = 0;        // l.774  first member of an anonymous enum: MPI_COMM_TYPE_SHARED
    private const nint OpenMpiStatusIgnore = 0;         // l.873  #define MPI_STATUS_IGNORE ((MPI_Status *) 0)

    // ---- Same value in both headers.
    public const int Undefined = -32766;                // MPI_UNDEFINED: mpich l.363, openmpi l.506
    public const int ThreadSerialized = 2;              // MPI_THREAD_SERIALIZED: mpich l.807 (#define 2); openmpi l.711 (enum 0,1,2,3)
    public const int Success = 0;                       // MPI_SUCCESS: mpich l.818, openmpi l.612

    private readonly bool _intHandles;
    private readonly nint _initialized, _finalized, _initThread, _finalize, _abort, _commRank, _commSize, _commDup,
        _commSplit, _commSplitType, _commFree, _commSetErrhandler, _ibarrier, _ibcast, _iallreduce, _isend, _irecv,
        _test, _errorString, _getLibraryVersion, _queryThread;

    public NativeMpi(nint library, string libraryName)
    {
        LibraryName = libraryName;
        Flavour = NativeLibrary.TryGetExport(library, "ompi_mpi_comm_world", out var world) ? MpiFlavour.OpenMpi : MpiFlavour.Mpich;
        _intHandles = Flavour == MpiFlavour.Mpich;
        nint Export(string name) =>
            NativeLibrary.TryGetExport(library, name, out var address)
                ? address
                : throw new MpiException($"Kiln.Mpi: {libraryName} has no symbol {name}; it is not an MPI 3 library of the Open MPI or MPICH family");
        _initialized = Export("MPI_Initialized");
        _finalized = Export("MPI_Finalized");
        _initThread = Export("MPI_Init_thread");
        _finalize = Export("MPI_Finalize");
        _abort = Export("MPI_Abort");
        _commRank = Export("MPI_Comm_rank");
        _commSize = Export("MPI_Comm_size");
        _commDup = Export("MPI_Comm_dup");
        _commSplit = Export("MPI_Comm_split");
        _commSplitType = Export("MPI_Comm_split_type");
        _commFree = Export("MPI_Comm_free");
        _commSetErrhandler = Export("MPI_Comm_set_errhandler");
        _ibarrier = Export("MPI_Ibarrier");
        _ibcast = Export("MPI_Ibcast");
        _iallreduce = Export("MPI_Iallreduce");
        _isend = Export("MPI_Isend");
        _irecv = Export("MPI_Irecv");
        _test = Export("MPI_Test");
        _errorString = Export("MPI_Error_string");
        _getLibraryVersion = Export("MPI_Get_library_version");
        _queryThread = Export("MPI_Query_thread");
        if (Flavour == MpiFlavour.OpenMpi)
        {
            CommWorld = world;
            CommNull = Export("ompi_mpi_comm_null");
            Byte = Export("ompi_mpi_byte");
            Int = Export("ompi_mpi_int");
            Int64 = Export("ompi_mpi_int64_t");
            OpMax = Export("ompi_mpi_op_max");
            OpMin = Export("ompi_mpi_op_min");
            OpSum = Export("ompi_mpi_op_sum");
            ErrorsReturn = Export("ompi_mpi_errors_return");
            InfoNull = Export("ompi_mpi_info_null");
            CommTypeShared = OpenMpiCommTypeShared;
            StatusIgnore = OpenMpiStatusIgnore;
        }
        else
        {
            CommWorld = MpichCommWorld;
            CommNull = MpichCommNull;
            Byte = MpichByte;
            Int = MpichInt;
            Int64 = MpichInt64;
            OpMax = MpichOpMax;
            OpMin = MpichOpMin;
            OpSum = MpichOpSum;
            ErrorsReturn = MpichErrorsReturn;
            InfoNull = MpichInfoNull;
            CommTypeShared = MpichCommTypeShared;
            StatusIgnore = MpichStatusIgnore;
        }
    }

    public MpiFlavour Flavour { get; }
    public string LibraryName { get; }

    /// <summary>Serialises every MPI call of this process made through Kiln.</summary>
    public object Gate { get; } = new();

    public nint CommWorld { get; }
    public nint CommNull { get; }
    public nint Byte { get; }
    public nint Int { get; }
    public nint Int64 { get; }
    public nint OpMax { get; }
    public nint OpMin { get; }
    public nint OpSum { get; }
    public nint ErrorsReturn { get; }
    public nint InfoNull { get; }
    public int CommTypeShared { get; }
    public nint StatusIgnore { get; }

    /// <summary>Bytes of an <c>MPI_Request</c> (and of any handle) in this ABI.</summary>
    public int HandleSize => _intHandles ? sizeof(int) : sizeof(nint);

    public nint Op(ReduceOperation operation) => operation switch
    {
        ReduceOperation.Min => OpMin,
        ReduceOperation.Max => OpMax,
        ReduceOperation.Sum => OpSum,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "unknown reduction"),
    };

    /// <summary>Reads a handle that MPI wrote to <paramref name="slot"/>.</summary>
    public nint ReadHandle(void* slot) => _intHandles ? *(int*)slot : *(nint*)slot;

    public bool Initialized()
    {
        int flag;
        Check(((delegate* unmanaged<int*, int>)_initialized)(&flag), "MPI_Initialized");
        return flag != 0;
    }

    public bool Finalized()
    {
        int flag;
        Check(((delegate* unmanaged<int*, int>)_finalized)(&flag), "MPI_Finalized");
        return flag != 0;
    }

    public int InitThread(int required)
    {
        int provided;
        Check(((delegate* unmanaged<int*, byte***, int, int*, int>)_initThread)(null, null, required, &provided), "MPI_Init_thread");
        return provided;
    }

    public int QueryThread()
    {
        int provided;
        Check(((delegate* unmanaged<int*, int>)_queryThread)(&provided), "MPI_Query_thread");
        return provided;
    }

    public void FinalizeMpi() => Check(((delegate* unmanaged<int>)_finalize)(), "MPI_Finalize");

    public int Abort(nint comm, int code) => _intHandles
        ? ((delegate* unmanaged<int, int, int>)_abort)((int)comm, code)
        : ((delegate* unmanaged<nint, int, int>)_abort)(comm, code);

    public int CommRank(nint comm)
    {
        int value;
        Check(_intHandles
            ? ((delegate* unmanaged<int, int*, int>)_commRank)((int)comm, &value)
            : ((delegate* unmanaged<nint, int*, int>)_commRank)(comm, &value), "MPI_Comm_rank");
        return value;
    }

    public int CommSize(nint comm)
    {
        int value;
        Check(_intHandles
            ? ((delegate* unmanaged<int, int*, int>)_commSize)((int)comm, &value)
            : ((delegate* unmanaged<nint, int*, int>)_commSize)(comm, &value), "MPI_Comm_size");
        return value;
    }

    public nint CommDup(nint comm)
    {
        nint slot = 0;
        Check(_intHandles
            ? ((delegate* unmanaged<int, void*, int>)_commDup)((int)comm, &slot)
            : ((delegate* unmanaged<nint, void*, int>)_commDup)(comm, &slot), "MPI_Comm_dup");
        return ReadHandle(&slot);
    }

    public nint CommSplit(nint comm, int color, int key)
    {
        nint slot = 0;
        Check(_intHandles
            ? ((delegate* unmanaged<int, int, int, void*, int>)_commSplit)((int)comm, color, key, &slot)
            : ((delegate* unmanaged<nint, int, int, void*, int>)_commSplit)(comm, color, key, &slot), "MPI_Comm_split");
        return ReadHandle(&slot);
    }

    public nint CommSplitShared(nint comm, int key)
    {
        nint slot = 0;
        Check(_intHandles
            ? ((delegate* unmanaged<int, int, int, int, void*, int>)_commSplitType)((int)comm, CommTypeShared, key, (int)InfoNull, &slot)
            : ((delegate* unmanaged<nint, int, int, nint, void*, int>)_commSplitType)(comm, CommTypeShared, key, InfoNull, &slot),
            "MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)");
        return ReadHandle(&slot);
    }

    public void CommFree(nint comm)
    {
        nint slot = comm;
        if (_intHandles)
        {
            var h = (int)comm;
            Check(((delegate* unmanaged<int*, int>)_commFree)(&h), "MPI_Comm_free");
        }
        else
        {
            Check(((delegate* unmanaged<nint*, int>)_commFree)(&slot), "MPI_Comm_free");
        }
    }

    public void CommSetErrorsReturn(nint comm) => Check(_intHandles
        ? ((delegate* unmanaged<int, int, int>)_commSetErrhandler)((int)comm, (int)ErrorsReturn)
        : ((delegate* unmanaged<nint, nint, int>)_commSetErrhandler)(comm, ErrorsReturn), "MPI_Comm_set_errhandler");

    public void Ibarrier(nint comm, void* request) => Check(_intHandles
        ? ((delegate* unmanaged<int, void*, int>)_ibarrier)((int)comm, request)
        : ((delegate* unmanaged<nint, void*, int>)_ibarrier)(comm, request), "MPI_Ibarrier");

    public void Ibcast(void* buffer, int count, nint datatype, int root, nint comm, void* request) => Check(_intHandles
        ? ((delegate* unmanaged<void*, int, int, int, int, void*, int>)_ibcast)(buffer, count, (int)datatype, root, (int)comm, request)
        : ((delegate* unmanaged<void*, int, nint, int, nint, void*, int>)_ibcast)(buffer, count, datatype, root, comm, request), "MPI_Ibcast");

    public void Iallreduce(void* send, void* receive, int count, nint datatype, nint op, nint comm, void* request) => Check(_intHandles
        ? ((delegate* unmanaged<void*, void*, int, int, int, int, void*, int>)_iallreduce)(send, receive, count, (int)datatype, (int)op, (int)comm, request)
        : ((delegate* unmanaged<void*, void*, int, nint, nint, nint, void*, int>)_iallreduce)(send, receive, count, datatype, op, comm, request), "MPI_Iallreduce");

    public void Isend(void* buffer, int count, nint datatype, int destination, int tag, nint comm, void* request) => Check(_intHandles
        ? ((delegate* unmanaged<void*, int, int, int, int, int, void*, int>)_isend)(buffer, count, (int)datatype, destination, tag, (int)comm, request)
        : ((delegate* unmanaged<void*, int, nint, int, int, nint, void*, int>)_isend)(buffer, count, datatype, destination, tag, comm, request), "MPI_Isend");

    public void Irecv(void* buffer, int count, nint datatype, int source, int tag, nint comm, void* request) => Check(_intHandles
        ? ((delegate* unmanaged<void*, int, int, int, int, int, void*, int>)_irecv)(buffer, count, (int)datatype, source, tag, (int)comm, request)
        : ((delegate* unmanaged<void*, int, nint, int, int, nint, void*, int>)_irecv)(buffer, count, datatype, source, tag, comm, request), "MPI_Irecv");

    /// <summary>MPI_Test: true once the request completed (MPI then resets the request slot to MPI_REQUEST_NULL).</summary>
    public bool Test(void* request)
    {
        int flag;
        Check(((delegate* unmanaged<void*, int*, void*, int>)_test)(request, &flag, (void*)StatusIgnore), "MPI_Test");
        return flag != 0;
    }

    /// <summary>MPI_Get_library_version (callable before MPI_Init): the first line of the library's self-description.</summary>
    public string LibraryVersion()
    {
        var buffer = new byte[8192 + 1]; // MPI_MAX_LIBRARY_VERSION_STRING: 8192 (mpich l.355), 256 (openmpi l.505)
        int length;
        fixed (byte* p = buffer)
            Check(((delegate* unmanaged<byte*, int*, int>)_getLibraryVersion)(p, &length), "MPI_Get_library_version");
        var text = Encoding.UTF8.GetString(buffer, 0, Math.Clamp(length, 0, buffer.Length)).TrimEnd('\0');
        return text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
    }

    public string ErrorString(int code)
    {
        var buffer = new byte[1024]; // MPI_MAX_ERROR_STRING: 512 (mpich l.356), 256 (openmpi, OPAL_MAX_ERROR_STRING)
        int length;
        fixed (byte* p = buffer)
            if (((delegate* unmanaged<int, byte*, int*, int>)_errorString)(code, p, &length) != Success)
                return $"MPI error {code}";
        return Encoding.UTF8.GetString(buffer, 0, Math.Clamp(length, 0, buffer.Length)).TrimEnd('\0');
    }

    private void Check(int code, string function)
    {
        if (code != Success)
            throw new MpiException($"{function} failed in {LibraryName}: {ErrorString(code)} (error {code})");
    }
}

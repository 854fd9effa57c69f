namespace Kiln.Toolchain;

/// <summary>The language a translation unit is written in; it selects the compiler driver and the file suffix.</summary>
public enum SourceLanguage
{
    /// <summary>C (suffix <c>.c</c>, driver from <c>CC</c>, then gcc, clang, cc).</summary>
    C,

    /// <summary>C++ (suffix <c>.cpp</c>, driver from <c>CXX</c>, then g++, clang++, c++).</summary>
    Cxx,
}

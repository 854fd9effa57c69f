namespace Kiln.Contrib;

/// <summary>How <see cref="CompileAndLink.ObjectFileOf"/> names the object file of a source file.</summary>
public enum ObjectNaming
{
    /// <summary><c>src/lvm.c</c> → <c>lvm.c.o</c>: sources that differ only in their suffix (<c>a.c</c>, <c>a.cpp</c>) get
    /// different objects.</summary>
    AppendSuffix,

    /// <summary><c>src/lvm.c</c> → <c>lvm.o</c>, as make's implicit rules name them; two sources that would share an
    /// object are refused.</summary>
    ReplaceSuffix,
}

/*
 * Stand-in for Windows' bcryptprimitives.dll, for the Wine prefix of the CI only.
 *
 * Every Windows 10/11 has bcryptprimitives.dll with ProcessPrng, the system's
 * random generator; the `cryptography` package's Rust module imports it. Wine
 * 8.0 has no such DLL, so this one provides the single function by forwarding to
 * RtlGenRandom (advapi32!SystemFunction036), which Wine implements with the
 * host's /dev/urandom. It is never shipped: the laptops have the real one.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Fills `buffer` with `length` random bytes; TRUE always, as on Windows (it cannot fail there). */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE buffer, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(buffer, chunk))
            return FALSE; /* Wine could not read the host's random source: make it loud */
        buffer += chunk;
        length -= chunk;
    }
    return TRUE;
}

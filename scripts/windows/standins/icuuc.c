/*
 * Stand-in for Windows' icuuc.dll (ICU's common library), for the Wine prefix of the CI only.
 *
 * Windows 10 (1903 and later) and 11 carry ICU as a system DLL, and Qt 6 for
 * Windows links QtCore against it. Qt6Core imports only ICU's charset converters
 * (ucnv_*), which QStringConverter uses for legacy encodings that Qt does not
 * implement itself (UTF-8/16/32 and Latin-1 never reach ICU). Wine 8.0 has no
 * icuuc.dll, so Qt6Core would not load at all.
 *
 * This stand-in has every converter fail to open, as an ICU without converter
 * data would: Qt then reports those encodings as unavailable. Fieldapp names
 * UTF-8 for everything it reads and writes, so nothing in the app or its tests
 * depends on them. The functions that take a converter are unreachable (no
 * converter can be opened) and only report an error. It is never shipped: the
 * laptops have the real one.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o icuuc.dll icuuc.c icuuc.def
 * The build script checks that this file exports everything Qt6Core.dll imports.
 */
#include <stddef.h>
#include <stdint.h>

typedef int32_t UErrorCode;
typedef uint16_t UChar;
typedef int32_t UChar32;
typedef int8_t UBool;
typedef struct UConverter UConverter;
typedef void (*UConverterCallback)(void);

enum { U_ZERO_ERROR = 0, U_ILLEGAL_ARGUMENT_ERROR = 1, U_FILE_ACCESS_ERROR = 4 };

static int failed(UErrorCode *err) { return err != NULL && *err > U_ZERO_ERROR; }

static void set_error(UErrorCode *err, UErrorCode code)
{
    if (err != NULL && !failed(err))
        *err = code;
}

__declspec(dllexport) UConverter *ucnv_open(const char *name, UErrorCode *err)
{
    (void)name;
    set_error(err, U_FILE_ACCESS_ERROR); /* ICU's code for "no data for this converter" */
    return NULL;
}

__declspec(dllexport) void ucnv_close(UConverter *cnv) { (void)cnv; }

__declspec(dllexport) void ucnv_reset(UConverter *cnv) { (void)cnv; }

__declspec(dllexport) int8_t ucnv_getMaxCharSize(const UConverter *cnv) { (void)cnv; return 0; }

__declspec(dllexport) const char *ucnv_getName(const UConverter *cnv, UErrorCode *err)
{
    (void)cnv;
    set_error(err, U_ILLEGAL_ARGUMENT_ERROR);
    return NULL;
}

__declspec(dllexport) int32_t ucnv_countAvailable(void) { return 0; }

__declspec(dllexport) const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }

__declspec(dllexport) const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *err)
{
    (void)name;
    (void)standard;
    set_error(err, U_FILE_ACCESS_ERROR);
    return NULL;
}

__declspec(dllexport) void ucnv_getToUCallBack(const UConverter *cnv, UConverterCallback *action, const void **context)
{
    (void)cnv;
    if (action != NULL)
        *action = NULL;
    if (context != NULL)
        *context = NULL;
}

__declspec(dllexport) void ucnv_getFromUCallBack(const UConverter *cnv, UConverterCallback *action, const void **context)
{
    ucnv_getToUCallBack(cnv, action, context);
}

__declspec(dllexport) void ucnv_setToUCallBack(UConverter *cnv, UConverterCallback action, const void *context,
                                               UConverterCallback *old_action, const void **old_context, UErrorCode *err)
{
    (void)cnv;
    (void)action;
    (void)context;
    ucnv_getToUCallBack(NULL, old_action, old_context);
    set_error(err, U_ILLEGAL_ARGUMENT_ERROR);
}

__declspec(dllexport) void ucnv_setFromUCallBack(UConverter *cnv, UConverterCallback action, const void *context,
                                                 UConverterCallback *old_action, const void **old_context, UErrorCode *err)
{
    ucnv_setToUCallBack(cnv, action, context, old_action, old_context, err);
}

__declspec(dllexport) void ucnv_toUnicode(UConverter *cnv, UChar **target, const UChar *target_limit, const char **source,
                                          const char *source_limit, int32_t *offsets, UBool flush, UErrorCode *err)
{
    (void)cnv, (void)target, (void)target_limit, (void)source, (void)source_limit, (void)offsets, (void)flush;
    set_error(err, U_ILLEGAL_ARGUMENT_ERROR);
}

__declspec(dllexport) void ucnv_fromUnicode(UConverter *cnv, char **target, const char *target_limit, const UChar **source,
                                            const UChar *source_limit, int32_t *offsets, UBool flush, UErrorCode *err)
{
    (void)cnv, (void)target, (void)target_limit, (void)source, (void)source_limit, (void)offsets, (void)flush;
    set_error(err, U_ILLEGAL_ARGUMENT_ERROR);
}

__declspec(dllexport) int32_t ucnv_toUCountPending(const UConverter *cnv, UErrorCode *err)
{
    (void)cnv;
    set_error(err, U_ILLEGAL_ARGUMENT_ERROR);
    return -1;
}

__declspec(dllexport) int32_t ucnv_fromUCountPending(const UConverter *cnv, UErrorCode *err)
{
    return ucnv_toUCountPending(cnv, err);
}

/* The callbacks' arguments are opaque here: they can only be called by a converter, and none opens. */
__declspec(dllexport) void ucnv_cbToUWriteUChars(void *args, const UChar *source, int32_t length, int32_t offset_index,
                                                 UErrorCode *err)
{
    (void)args, (void)source, (void)length, (void)offset_index;
    set_error(err, U_ILLEGAL_ARGUMENT_ERROR);
}

__declspec(dllexport) void ucnv_cbFromUWriteUChars(void *args, const UChar **source, const UChar *source_limit,
                                                   int32_t offset_index, UErrorCode *err)
{
    (void)args, (void)source, (void)source_limit, (void)offset_index;
    set_error(err, U_ILLEGAL_ARGUMENT_ERROR);
}

__declspec(dllexport) void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *context, void *args, const char *code_units,
                                                         int32_t length, int reason, UErrorCode *err)
{
    (void)context, (void)args, (void)code_units, (void)length, (void)reason, (void)err;
}

__declspec(dllexport) void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *context, void *args, const UChar *code_units,
                                                           int32_t length, UChar32 code_point, int reason,
                                                           UErrorCode *err)
{
    (void)context, (void)args, (void)code_units, (void)length, (void)code_point, (void)reason, (void)err;
}

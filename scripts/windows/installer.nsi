; The Fieldapp installer: FieldappSetup-<version>.exe (NSIS 3, docs/windows-build.md).
;
; Built on Linux by scripts/windows/winbuild.py:
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DVERSION_NUMERIC=0.1.0.0 -DBUNDLE=dist/windows/fieldapp
;            -DOUTFILE=dist/windows/FieldappSetup-0.1.0.exe -DICON=resources/icons/fieldapp.ico installer.nsi
;
; - Per user, no administrator rights: programs in %LOCALAPPDATA%\Programs\Fieldapp,
;   shortcuts in the user's Start menu and on the user's desktop, the uninstall
;   entry under HKCU.
; - The data (the encrypted store, %LOCALAPPDATA%\Fieldapp) is never touched: not
;   by an upgrade, not by the uninstaller, which says so.
; - An upgrade (a newer setup over an older install) removes the old programs
;   first, so no file of the old version stays behind, then installs the new ones.
; - Silent with /S (what CI and a county's deployment script use).

Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
; UNCOMPRESSED: quick to build, for the "older version" setup of the CI's upgrade test.
!ifdef UNCOMPRESSED
  SetCompress off
!else
  SetCompressor /SOLID lzma
!endif

!include "MUI2.nsh"
!include "LogicLib.nsh"

!macro Require NAME
  !ifndef ${NAME}
    !error "define VERSION, VERSION_NUMERIC, BUNDLE, OUTFILE and ICON (see the head of this file)"
  !endif
!macroend
!insertmacro Require VERSION
!insertmacro Require VERSION_NUMERIC
!insertmacro Require BUNDLE
!insertmacro Require OUTFILE
!insertmacro Require ICON

!define SHORTCUT "Fieldapp 入户走访"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Fieldapp"

Name "${SHORTCUT}"
Caption "${SHORTCUT} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Fieldapp"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VERSION_NUMERIC}"
VIFileVersion "${VERSION_NUMERIC}"
VIAddVersionKey /LANG=0 "ProductName" "Fieldapp"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "Fieldapp ${VERSION} setup"
VIAddVersionKey /LANG=0 "LegalCopyright" "Fieldapp"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\fieldappw.exe"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "$(DataKept)"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default when Windows' own is neither.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString DataKept ${LANG_SIMPCHINESE} "卸载只删除程序和快捷方式。走访数据（加密的数据库）保存在 $LOCALAPPDATA\Fieldapp，不会被删除；以后重新安装即可继续使用。如要彻底删除，请先向县里上传数据，再手动删除该文件夹。"
LangString DataKept ${LANG_ENGLISH} "Uninstalling removes the programs and shortcuts only. The visit data (the encrypted store) in $LOCALAPPDATA\Fieldapp is kept; a later install uses it again. To remove it for good, upload it to the county first, then delete that folder by hand."
LangString NotInDataFolder ${LANG_SIMPCHINESE} "不能安装到数据文件夹 $LOCALAPPDATA\Fieldapp 中，请选择其他文件夹。"
LangString NotInDataFolder ${LANG_ENGLISH} "The programs cannot go into the data folder $LOCALAPPDATA\Fieldapp; choose another folder."
LangString Upgrading ${LANG_SIMPCHINESE} "正在替换已安装的版本（数据保留）"
LangString Upgrading ${LANG_ENGLISH} "Replacing the installed version (the data stays)"

; The programs and the data never share a folder: the uninstaller removes the programs' folder.
Function .onVerifyInstDir
  ${If} $INSTDIR == "$LOCALAPPDATA\Fieldapp"
    Abort
  ${EndIf}
FunctionEnd

Function .onInit
  ${If} $INSTDIR == "$LOCALAPPDATA\Fieldapp"
    MessageBox MB_OK|MB_ICONSTOP "$(NotInDataFolder)" /SD IDOK
    Abort
  ${EndIf}
FunctionEnd

; Only what an install put there: never a recursive delete of the chosen folder itself.
!macro RemovePrograms
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\fieldapp.exe"
  Delete "$INSTDIR\fieldappw.exe"
!macroend

Section "Fieldapp" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ${If} ${FileExists} "$INSTDIR\_internal\*.*"
    DetailPrint "$(Upgrading)"
    !insertmacro RemovePrograms
  ${EndIf}
  File /r "${BUNDLE}/*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\Fieldapp"
  CreateShortcut "$SMPROGRAMS\Fieldapp\${SHORTCUT}.lnk" "$INSTDIR\fieldappw.exe" "" "$INSTDIR\fieldappw.exe" 0
  CreateShortcut "$DESKTOP\${SHORTCUT}.lnk" "$INSTDIR\fieldappw.exe" "" "$INSTDIR\fieldappw.exe" 0

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${SHORTCUT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Fieldapp"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\fieldappw.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\Fieldapp\${SHORTCUT}.lnk"
  RMDir "$SMPROGRAMS\Fieldapp"
  Delete "$DESKTOP\${SHORTCUT}.lnk"
  !insertmacro RemovePrograms
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DetailPrint "$(DataKept)"
  MessageBox MB_OK|MB_ICONINFORMATION "$(DataKept)" /SD IDOK
SectionEnd

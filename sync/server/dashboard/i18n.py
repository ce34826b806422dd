"""Labels of the dashboard, Chinese first (DOMAIN §11 glossary), with English."""

from __future__ import annotations

from fieldapp.codes import label

TEXT: dict[str, tuple[str, str]] = {
    "app": ("防止返贫动态监测 · 县级管理", "Return-to-poverty monitoring · County admin"),
    "login": ("登录", "Log in"), "logout": ("退出", "Log out"), "username": ("用户名", "User name"),
    "password": ("密码", "Password"), "bad_login": ("用户名或密码错误", "Wrong user name or password"),
    "held_changes": ("暂扣的修改", "Held changes"),
    "held_intro": ("以下修改未存入县里数据：超出设备负责的村、格式有误或序号重复。放行即作为县里的决定存入；驳回则永久不用。",
                   "These changes were not stored: outside the laptop's villages, malformed, or a reused sequence number. "
                   "Release stores one as the county's decision; reject drops it for good."),
    "release": ("放行", "Release"), "reject": ("驳回", "Reject"),
    "login_locked": ("登录失败次数过多，暂时锁定。可再次尝试的时间：", "Too many failed logins. You can try again at"),
    "overview": ("总览", "Overview"), "county": ("全县", "County"), "township": ("乡镇", "Township"),
    "village": ("村", "Village"), "households": ("户数", "Households"), "monitored": ("监测对象", "Monitored"),
    "members": ("人口", "Members"), "open_problems": ("未销号问题", "Open problems"),
    "overdue": ("逾期未走访", "Visits overdue"), "conflicts": ("待处理冲突", "Conflicts waiting"),
    "devices": ("设备", "Devices"), "last_sync": ("最近同步", "Last sync"), "roster": ("花名册导入", "Roster import"),
    "spot_checks": ("电话抽查", "Spot checks"), "exports": ("导出", "Exports"), "access_log": ("访问日志", "Access log"),
    "by_category": ("按户类型", "By household category"), "by_monitoring": ("按监测类型", "By monitoring type"),
    "indicators": ("两不愁三保障及饮水、收入达标率（最近一次走访）",
                   "Share meeting each indicator (latest visit)"),
    "indicator": ("指标", "Indicator"), "share": ("达标率", "Share met"), "met": ("达标", "Met"),
    "not_met": ("未达标", "Not met"), "unknown": ("未知", "Unknown"), "assessed": ("已评定", "Assessed"),
    "problems_by_age": ("未销号问题（按类型和时长）", "Open problems by type and age"),
    "lt30": ("30天内", "< 30 days"), "d30_90": ("30–90天", "30–90 days"), "gt90": ("超过90天", "> 90 days"),
    "total": ("合计", "Total"), "problems_over_time": ("问题台账（近12个月新增与销号）", "Problems over the last 12 months"),
    "opened": ("新增", "Opened"), "closed": ("销号", "Closed"),
    "chart_villages": ("各单位户数与监测对象", "Households and monitored households by unit"),
    "chart_share": ("各单位全部达标户占比", "Share of visited households meeting every indicator"),
    "all_met": ("全部达标", "All met"), "visited": ("已走访", "Visited"), "name": ("名称", "Name"), "person_name": ("姓名", "Name"),
    "code": ("代码", "Code"), "head": ("户主", "Head"), "group": ("组", "Group"), "phone": ("联系电话", "Phone"),
    "latest_visit": ("最近走访", "Latest visit"), "overall": ("综合", "Overall"),
    "household_type": ("户类型", "Category"), "monitoring_type": ("监测类型", "Monitoring type"),
    "household": ("户", "Household"), "visits": ("走访记录", "Visits"), "problems": ("问题台账", "Problems"),
    "status": ("状态", "Status"), "relation": ("与户主关系", "Relation"), "id_number": ("身份证号", "ID number"),
    "sex": ("性别", "Sex"), "birth_date": ("出生日期", "Birth date"), "visitor": ("走访人", "Visitor"),
    "opened_at": ("发现日期", "Found"), "deadline": ("整改期限", "Deadline"), "reason": ("问题描述", "Description"),
    "device": ("设备", "Device"), "cadre": ("帮扶责任人/干部", "Cadre"), "villages": ("负责村", "Villages"),
    "enrolled": ("登记时间", "Enrolled"), "revoke": ("停用", "Revoke"), "revoked": ("已停用", "Revoked"),
    "active": ("正常", "Active"), "enroll_code": ("生成登记码", "Create enrollment code"),
    "quarantine": ("隔离的数据包", "Quarantined bundles"), "kind": ("类型", "Kind"), "detail": ("详情", "Detail"),
    "received": ("接收时间", "Received"), "create": ("生成", "Create"), "code_made": ("一次性登记码", "One-time code"),
    "upload": ("上传并检查", "Upload and check"), "template": ("下载模板", "Download template"),
    "file": ("花名册文件（.xlsx、.xls 或 .csv）", "Roster file (.xlsx, .xls or .csv)"), "row": ("行", "Row"), "column": ("列", "Column"),
    "value": ("内容", "Value"), "problem": ("问题", "Problem"),
    "preview": ("导入预览", "Import preview"), "confirm_import": ("确认导入", "Import now"),
    "row_errors": ("行有错误，请修改后重新上传（可下载拒收行）；未写入任何数据。",
                   "row(s) have errors; fix them and upload again (download the refused rows). Nothing was written."),
    "rows": ("行", "rows"), "plan_new_hh": ("新增户", "New households"), "plan_upd_hh": ("更新户", "Updated households"),
    "plan_new_m": ("新增人员", "New members"), "plan_upd_m": ("更新人员", "Updated members"),
    "imported": ("导入完成", "Imported"), "warnings": ("提示", "Warnings"),
    "day": ("日期", "Day"), "sample": ("抽查样本", "Sample"), "of_visits": ("当天走访", "visits that day"),
    "rate": ("抽查比例", "Rate"), "outcome": ("核查结果", "Outcome"), "note": ("说明", "Note"),
    "save": ("保存", "Save"), "confirmed": ("属实", "Confirmed"), "not_reached": ("未联系上", "Not reached"),
    "discrepancy": ("不一致", "Discrepancy"), "pending": ("待核查", "Pending"),
    "discrepancy_report": ("不一致情况报告", "Discrepancy report"), "recorded_by": ("核查人", "Checked by"),
    "download_xlsx": ("下载 Excel（户、成员、最新评定、问题、抽查结果）",
                      "Download Excel (households, members, latest verdicts, problems, spot checks)"),
    "village_pdf": ("打印村情汇总（PDF）", "Printable village summary (PDF)"),
    "export_note": ("导出文件注明导出人和时间，并记入访问日志。", "Exports are marked with who made them and when, and logged."),
    "who": ("账号", "Account"), "when": ("时间", "When"), "action": ("操作", "Action"),
    "forbidden": ("无权查看该范围", "You may not see this area"), "not_found": ("未找到", "Not found"),
    "readonly_note": ("只读账号不能修改数据", "Read-only accounts cannot change anything"),
    "generated": ("生成时间", "Generated"), "summary_title": ("村情汇总", "Village summary"),
    "none": ("无", "None"), "sort": ("排序", "Sort"), "all_visible": ("全部可见范围", "Everything you can see"),
    "filter_household": ("按户ID筛选", "Filter by household id"), "go": ("查询", "Go"),
    "personal_note": ("本页含个人信息，查看已记入访问日志。", "This page shows personal data; your view is logged."),
    "accounts": ("账号管理", "Accounts"), "role": ("角色", "Role"), "role_county": ("县级管理员", "County admin"),
    "role_township": ("乡镇账号", "Township"), "role_readonly": ("只读账号", "Read-only"),
    "created": ("创建时间", "Created"), "last_login": ("最近登录", "Last login"), "disabled": ("已停用", "Disabled"),
    "disable": ("停用", "Disable"), "enable": ("启用", "Enable"), "reset_password": ("重置密码", "Reset password"),
    "new_account": ("新建账号", "New account"), "create_account": ("创建账号", "Create account"),
    "township_code": ("乡镇代码（仅乡镇账号）", "Township code (township accounts)"),
    "initial_password": ("初始密码", "Initial password"),
    "password_blank": ("留空则随机生成", "blank: a random one"),
    "password_once": ("密码只显示这一次，请当面或电话告知本人，不要通过聊天群发送。",
                      "The password is shown only this once: hand it over in person or by phone, not in a chat group."),
    "account_rules": ("乡镇账号只能查看本乡镇的村；只读账号可查看全县但不能修改。密码至少{n}个字符。停用或重置密码会立即结束该账号的登录。",
                      "Township accounts see only their township's villages; read-only accounts see the county and change "
                      "nothing. Passwords have at least {n} characters. Disabling or resetting a password ends the "
                      "account's sessions at once."),
    "account_created": ("已创建账号", "Account created"), "account_disabled": ("已停用账号", "Account disabled"),
    "account_enabled": ("已启用账号", "Account enabled"), "account_password_reset": ("已重置密码", "Password reset"),
    "data_error": ("数据错误", "Data error"), "spot_check": ("抽查", "Spot check"),
    "problem_opened": ("已登记问题台账", "Problem opened in the ledger"), "source": ("来源", "Source"),
    "src_visit": ("走访", "Visit"), "src_spot_check": ("抽查", "Spot check"), "src_screening": ("排查", "Screening"),
    "src_lookback": ("回头看", "Look-back"), "src_alert": ("部门预警", "Department alert"), "src_12317": ("12317", "12317"),
    "divisions": ("行政区划", "Divisions"),
    "status_active": ("正常", "Active"), "status_merged": ("已合并", "Merged"), "status_moved": ("已迁出", "Moved"),
    "status_dissolved": ("已注销", "Dissolved"), "status_deceased": ("已故", "Deceased"),
    "household_ids": ("涉及的户（部分）", "Households (sample)"),
    "act_export_xlsx": ("导出 Excel", "Excel export"), "act_account_create": ("创建账号", "Account created"),
    "act_account_disable": ("停用账号", "Account disabled"), "act_account_enable": ("启用账号", "Account enabled"),
    "act_account_password": ("重置密码", "Password reset"), "act_view_list": ("查看名单", "Viewed a list"),
    "act_view_village": ("查看村", "Viewed a village"), "act_view_household": ("查看农户", "Viewed a household"),
    "act_api_households": ("接口读取农户", "Households read by API"),
    "act_view_spot_checks": ("查看抽查", "Viewed spot checks"),
    "act_view_discrepancies": ("查看不一致报告", "Viewed the discrepancy report"),
    "act_device_revoke": ("停用设备", "Device revoked"), "act_device_enable": ("恢复设备", "Device re-enabled"),
    "act_export_start": ("开始导出", "Export started"),
    "must_change": ("请先设置您自己的密码", "Set a password of your own first"),
    "change_password": ("修改密码", "Change password"), "current_password": ("当前密码（收到的初始密码）", "Current password (the one you were given)"),
    "new_password": ("新密码", "New password"), "repeat_password": ("再次输入新密码", "New password again"),
    "must_change_note": ("您的密码是管理员设置的，请先改为只有您自己知道的密码。",
                         "Your password was set by an administrator: choose one only you know before going on."),
    "act_own_password": ("本人修改密码", "Own password changed"),
    "reenable": ("恢复使用", "Re-enable"), "cancel": ("取消", "Cancel"),
    "revoke_title": ("停用这台设备？", "Revoke this laptop?"),
    "revoke_what": ("停用后这台笔记本不能再同步，也不能再接收数据；本机已有的数据不会删除。以后可在设备页“恢复使用”。",
                    "Once revoked the laptop can no longer sync or receive data; what it holds is not deleted. "
                    "It can be re-enabled later on the devices page."),
    "export_running": ("正在后台生成，完成后这里会出现下载链接（页面每2秒刷新）。",
                       "Being made in the background; a download link appears here when it is ready (the page refreshes every 2 s)."),
    "export_ready": ("已生成", "Ready"), "export_failed": ("生成失败", "Failed"), "download": ("下载", "Download"),
    "household_list": ("农户名单", "Households"), "chart": ("图示", "Chart"), "problem_list": ("问题清单", "Problems"),
    "conflict_list": ("待处理冲突", "Conflicts"), "search": ("查找农户", "Find a household"),
    "search_hint": ("姓名、拼音首字母、身份证号、电话或户编号", "name, pinyin initials, ID number, phone or household no."),
    "all": ("全部", "All"), "verdict": ("评定", "Verdict"), "age": ("时长", "Age"),
    "open_status": ("未销号", "Open"), "past_deadline": ("已超期", "Past deadline"),
    "conflict_help": ("同一字段在不同设备上被改成了不同的值。县级账号可以选定保留的值，该决定会同步到各台设备。",
                      "The same field was changed to different values on different devices. A county account can "
                      "choose the value to keep; the choice reaches every laptop."),
    "values": ("各方的值（作者 · 时间）", "Values (author · time)"), "keep_value": ("保留此值", "Keep this value"),
    "entity_household": ("户", "Household"), "entity_member": ("成员", "Member"), "entity_visit": ("走访", "Visit"),
    "entity_problem": ("问题", "Problem"),
    "divisions_help": ("本县乡镇和村的代码与名称。花名册中的名称按此表对应代码；各页面的县、乡镇、村名称也取自此表。"
                       "可上传含“代码”和“名称”两列的 Excel 或 CSV 文件，或逐条添加、改名。",
                       "Codes and names of the county's townships and villages. Roster names are matched to codes "
                       "through this list, and every page names places from it. Upload an Excel or CSV file with a "
                       "code and a name column, or add or rename one entry."),
    "division_upload": ("上传区划表", "Upload a division list"), "division_edit": ("添加或改名", "Add or rename"),
    "saved_entries": ("已保存条目", "Entries saved"),
    "roster_help": ("可直接上传全国防返贫监测信息系统导出的花名册：表头上方的标题行、合并单元格、乡（镇）和村的名称"
                    "（按本县区划表对应代码）、系统代码值都能识别。必需：户编号、姓名、与户主关系、身份证号，以及村代码或村名。"
                    "文件没有的列不会改动已有数据。",
                    "Upload the household list as the national monitoring system exports it: title rows above the header, "
                    "merged cells, township and village names (matched to codes through the county's division list) and "
                    "the system's code values are understood. Needed: household no., name, relation to head, ID number, "
                    "and the village code or name. Columns the file does not have leave existing data unchanged."),
    "column_mapping": ("列对应关系", "Column mapping"),
    "mapping_help": ("每个文件列对应到哪一项；改正后保存，下次导入会记住。",
                     "Which field each column of the file fills; correct it and save, the next import remembers it."),
    "file_column": ("文件中的列", "Column in the file"), "field": ("对应项", "Field"),
    "ignore_column": ("（不导入）", "(not imported)"), "mapping_save": ("保存对应关系并重新检查", "Save mapping and check again"),
    "sheet": ("工作表", "Sheet"), "header_row": ("表头在第几行：", "header on row"),
    "sheet_skipped": ("没有花名册表头，已跳过", "no roster header, skipped"),
    "missing_columns": ("缺少必需的列（请在上面的对应关系中指定）", "Required columns not found (set them in the mapping above)"),
    "download_refusals": ("下载拒收行（Excel，含行号）", "Download the refused rows (Excel, with row numbers)"),
    "changes_by_household": ("逐户变更", "Changes by household"), "roster_no": ("户编号", "Household no."),
    "change": ("变更", "Change"), "new_household": ("新增户", "New household"), "new_member": ("新增成员", "New member"),
    "upload_gone": ("该上传已过期或不存在，请重新上传", "This upload has expired or does not exist; upload the file again"),
}


SERVER_CODES = ("data_error", "spot_check")


def tr(key: str, lang: str) -> str:
    pair = TEXT.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def code_label(list_name: str, code: str | None, lang: str) -> str:
    if code is None or code == "":
        return "—"
    try:
        text = label(list_name, str(code), lang)
    except KeyError:
        text = str(code)
    # Codes the dashboard writes that the laptop's code lists do not name (a spot-check problem's indicator).
    return tr(text, lang) if text == str(code) and text in SERVER_CODES else text

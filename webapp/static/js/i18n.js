// Two languages, chosen by the browser's language and switchable (kept in localStorage: a
// preference, not a secret). Numbers, money and times are formatted by Intl in that language.

const STRINGS = {
  en: {
    app: "FieldSync", signIn: "Sign in", username: "Username", password: "Password",
    signOut: "Sign out", signingIn: "Signing in…", jobs: "Jobs", today: "Today's jobs",
    later: "Later", done: "Done", noJobs: "No jobs on this device yet. Sync to fetch them.",
    due: "Due", noDue: "No due time", priority: "Priority", map: "Map", openMap: "Open in maps",
    customer: "Customer", site: "Site", description: "Description", charges: "Charges",
    subtotal: "Subtotal", tax: "Tax", total: "Total", noCharges: "No charges yet.",
    addCharge: "Add charge", quantity: "Quantity", item: "Item", photos: "Photos",
    noPhotos: "No photos yet.", takePhoto: "Take photo", kind: "Kind", notes: "Notes",
    addNote: "Add note", note: "Note", accept: "Accept", start: "Start", complete: "Complete",
    sign: "Customer signs", failVisit: "Visit failed", reason: "Reason", signer: "Signer's name",
    clear: "Clear", saveSignature: "Save signature", signHere: "Sign in the box above",
    signedBy: "Signed by {name}", signoffInvalid: "Charges changed after signing: sign again",
    saved: "Saved on this device, waiting to sync", sync: "Sync", syncing: "Syncing…",
    synced: "Everything is sent", waiting: "{n} waiting to send", refusedCount: "{n} refused",
    offline: "Offline: your work is kept and sent later", outbox: "Outbox",
    refusals: "Refused by the server", pendingHere: "Waiting to sync", uploads: "Files waiting",
    refusedUploads: "Files the server refused", nothingWaiting: "Nothing is waiting.",
    lastSync: "Last sync: {time}", never: "never", verdict: "Verdict",
    verdictPending: "checked after sync", knowledge: "Knowledge", search: "Search",
    searchPlaceholder: "Model, fault code or words", noArticles: "No articles on this device.",
    noResults: "Nothing found.", back: "Back", language: "中文", loginFailed: "Sign-in failed",
    unsentOther: "Unsent work of another engineer is on this device: sync it first",
    notSignedIn: "Sign in again to send your work", location: "Position",
    locating: "Getting your position…", noLocation: "No position: started without it",
    status: "Status", number: "Order", photoKind: { before: "Before", after: "After",
      serial: "Serial plate", other: "Other" },
    statuses: { open: "Open", assigned: "Assigned", accepted: "Accepted",
      in_progress: "In progress", completed: "Completed", verified: "Verified",
      cancelled: "Cancelled", visit_failed: "Visit failed", rework: "Rework" },
    priorities: { low: "Low", normal: "Normal", high: "High", urgent: "Urgent" },
    reasons: { customer_absent: "Customer absent", no_access: "No access",
      parts_missing: "Parts missing", customer_declined: "Customer declined",
      wrong_diagnosis: "Wrong diagnosis", other: "Other" },
    verdicts: { verified: "Verified", outside_geofence: "Outside the site",
      no_location: "No location", time_mismatch: "Outside the job time",
      duplicate: "Duplicate" },
    more: "Show more", remove: "Remove", tags: "Tags", faultCodes: "Fault codes", models: "Models", chooseItem: "Choose an item",
    notePlaceholder: "What was done, what is missing", waitingFiles: "{n} file(s)",
  },
  "zh-CN": {
    app: "FieldSync", signIn: "登录", username: "用户名", password: "密码", signOut: "退出登录",
    signingIn: "正在登录…", jobs: "工单", today: "今日工单", later: "以后", done: "已完成",
    noJobs: "本设备上还没有工单。同步以获取。", due: "截止", noDue: "无截止时间",
    priority: "优先级", map: "地图", openMap: "在地图中打开", customer: "客户", site: "地点",
    description: "描述", charges: "费用", subtotal: "小计", tax: "税", total: "合计",
    noCharges: "还没有费用。", addCharge: "添加费用", quantity: "数量", item: "项目",
    photos: "照片", noPhotos: "还没有照片。", takePhoto: "拍照", kind: "类型", notes: "备注",
    addNote: "添加备注", note: "备注", accept: "接单", start: "开始", complete: "完工",
    sign: "客户签字", failVisit: "上门失败", reason: "原因", signer: "签字人姓名",
    clear: "清除", saveSignature: "保存签名", signHere: "请在上方框内签字",
    signedBy: "{name} 已签字", signoffInvalid: "签字后费用有变：请重新签字",
    saved: "已保存在本设备，等待同步", sync: "同步", syncing: "正在同步…", synced: "全部已发送",
    waiting: "{n} 项待发送", refusedCount: "{n} 项被拒绝", offline: "离线：工作已保存，稍后发送",
    outbox: "发件箱", refusals: "服务器拒绝", pendingHere: "等待同步", uploads: "待上传文件",
    refusedUploads: "服务器拒绝的文件", nothingWaiting: "没有待发送的内容。",
    lastSync: "上次同步：{time}", never: "从未", verdict: "核验", verdictPending: "同步后核验",
    knowledge: "知识库", search: "搜索", searchPlaceholder: "型号、故障码或关键词",
    noArticles: "本设备上没有文章。", noResults: "没有找到。", back: "返回", language: "English",
    loginFailed: "登录失败", unsentOther: "本设备上有其他工程师未发送的工作：请先同步",
    notSignedIn: "请重新登录以发送工作", location: "位置", locating: "正在获取位置…",
    noLocation: "无法获取位置：未带位置开始", status: "状态", number: "工单号",
    photoKind: { before: "施工前", after: "施工后", serial: "铭牌", other: "其他" },
    statuses: { open: "新建", assigned: "已派单", accepted: "已接单", in_progress: "进行中",
      completed: "已完工", verified: "已审核", cancelled: "已取消", visit_failed: "上门失败",
      rework: "返工" },
    priorities: { low: "低", normal: "普通", high: "高", urgent: "紧急" },
    reasons: { customer_absent: "客户不在", no_access: "无法进入", parts_missing: "缺少配件",
      customer_declined: "客户拒绝", wrong_diagnosis: "诊断有误", other: "其他" },
    verdicts: { verified: "已核验", outside_geofence: "不在现场范围内",
      no_location: "无位置信息", time_mismatch: "不在工作时间内", duplicate: "重复照片" },
    more: "显示更多", remove: "删除", tags: "标签", faultCodes: "故障码", models: "型号", chooseItem: "选择项目",
    notePlaceholder: "做了什么，还缺什么", waitingFiles: "{n} 个文件",
  },
};

const KEY = "fieldsync.language";

export function language() {
  const chosen = localStorage.getItem(KEY);
  if (chosen && STRINGS[chosen]) return chosen;
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

export function switchLanguage() {
  localStorage.setItem(KEY, language() === "en" ? "zh-CN" : "en");
  document.documentElement.lang = language();
}

/** A string in the current language; {name} placeholders filled from `values`. */
export function t(key, values = {}) {
  const text = key.split(".").reduce((node, part) => node?.[part], STRINGS[language()]) ??
    key.split(".").reduce((node, part) => node?.[part], STRINGS.en) ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

const formats = new Map();

/** One Intl formatter per (kind, language): making one costs far more than using it. */
export function formatter(kind, make) {
  const key = `${kind} ${language()}`;
  if (!formats.has(key)) formats.set(key, make(language()));
  return formats.get(key);
}

export function dateTime(iso) {
  if (!iso) return "";
  return formatter("dateTime", (lang) => new Intl.DateTimeFormat(lang,
    { dateStyle: "medium", timeStyle: "short" })).format(new Date(iso));
}

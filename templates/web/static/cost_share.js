// The cost-share helper on the supplier's standing page, computed as it is typed: the
// supplier's security cost × the buyer's share of its sales = the amount proposed. The
// server computes the same (core/cost_share.cpp) and is the one that records it; without
// this script the 「金額を計算して確認する」 button shows the same figures.
(function () {
  "use strict";
  var form = document.getElementById("hs-cost-share");
  var out = document.getElementById("hs-cost-share-result");
  if (!form || !out) return;
  function yen(name) {
    var v = (form.elements[name].value || "").replace(/[０-９]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/[,，\s円]/g, "");
    if (v === "") return null;
    return /^\d{1,13}$/.test(v) ? Number(v) : NaN;
  }
  function share() {
    var v = (form.elements.sales_share_percent.value || "").replace(/[０-９．％]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/[%\s]/g, "");
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(v)) return NaN;
    var h = Math.round(Number(v) * 100);
    return h <= 10000 ? h : NaN;
  }
  function text(n) { return n.toLocaleString("ja-JP") + "円"; }
  function total(m, l, t) { return m === null && l === null ? t : (m || 0) + (l || 0); }
  function line(label, cost, h) {
    var amount = Math.floor((cost * h + 5000) / 10000);
    return label + " " + text(cost) + " × " + h / 100 + "% = " + text(amount);
  }
  function update() {
    var h = share();
    var init = total(yen("material_initial_cost"), yen("labor_initial_cost"), yen("initial_cost"));
    var run = total(yen("material_running_cost"), yen("labor_running_cost"), yen("running_cost"));
    var lines = [];
    if (isNaN(h) || (init !== null && isNaN(init)) || (run !== null && isNaN(run))) {
      out.textContent = "数字をご確認ください（割合は0〜100%）。";
      return;
    }
    if (init !== null) lines.push(line("初期費用", init, h));
    if (run !== null) lines.push(line("運用費用（年額）", run, h));
    out.textContent = lines.length ? "当社への負担の申入れ額（自動計算）: " + lines.join("　／　") : "";
  }
  form.addEventListener("input", update);
})();

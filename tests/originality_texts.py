"""Constructed texts for the 原创 check's tests: an article, a copy of it with the paragraphs
reordered and a sentence changed, and an independent article on the same topic (written apart,
sharing the topic's words but not its sentences)."""

from __future__ import annotations

PARAGRAPHS = [
    "入汛以来，江城连续经历了三轮强降雨，最大小时雨量达到八十七毫米，老城区十二处低洼路段一度积水没过车轮。",
    "市排水管理处在凌晨两点启动二级应急响应，四十台移动泵车分头赶往积水点，值守人员沿着排水管网逐段排查堵塞的雨水篦子。",
    "与往年不同，今年新建成的三座调蓄池第一次投入使用，合计可以暂存二十六万立方米雨水，等到河道水位回落后再慢慢排出。",
    "家住解放路的退休教师王阿姨说，以前下大雨小区门口就成了小河，今年水退得很快，早上出门买菜已经看不到积水了。",
    "专家提醒，城市内涝治理不能只靠工程措施，还要把绿地、透水铺装和屋顶花园连成一张网，让雨水就地下渗、就近利用。",
]

ORIGINAL = "\n\n".join(PARAGRAPHS)

# The same paragraphs in another order, a sentence touched: a copy, well above 60 %.
COPY = "\n\n".join(
    [
        PARAGRAPHS[2],
        PARAGRAPHS[0],
        PARAGRAPHS[4],
        "家住解放路的退休教师王阿姨说，以前一下大雨小区门口就成了小河，今年水退得真快，早上出门买菜已经看不到积水了。",
        PARAGRAPHS[1],
    ]
)

# Same topic, same words (内涝, 排水, 调蓄池, 泵车), written independently.
SAME_TOPIC = "\n\n".join(
    [
        "连日暴雨考验着滨海新区的排水系统，气象部门发布暴雨橙色预警后，区里连夜召开防汛调度会。",
        "应急管理局调集二十台泵车在地下通道口待命，并安排志愿者在学校和医院门口引导车辆绕行。",
        "新区去年开工的两座调蓄池还在施工，负责人表示将在明年汛期前完工，届时可以明显缓解内涝。",
        "不少市民在社交平台上分享了积水照片，也有网友建议在更多小区推广透水砖和雨水花园。",
    ]
)

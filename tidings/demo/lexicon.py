"""Generic Chinese filler words drawn from jieba's dictionary by part of speech and frequency.

jieba ships `dict.txt` ("word frequency pos" per line), counted over a large general corpus, so
it tells us which nouns, verbs and adjectives are common. The topic keywords (tidings.demo.words)
carry an article's subject; these words fill the generic slots around them, drawn with weight
√frequency (so common words dominate without "问题" appearing in every sentence).

The dictionary's top words include many that read oddly in a news sentence (imperial and
military history, body parts, family members), so each pool is the top band of its POS minus a
stoplist, or, for the small and fussy pools (verbs before an object, adjectives before 的,
adverbs before a verb), jieba's words restricted to a keep-list.
"""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass
from functools import lru_cache

import jieba

from tidings.lib.cjk import COMMON_HAN


@dataclass(frozen=True)
class Pool:
    words: tuple[str, ...]
    cum_weights: tuple[float, ...]

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.words, cum_weights=self.cum_weights)[0]


def _split(text: str) -> frozenset[str]:
    return frozenset(text.split())


NOUN_STOP = _split(
    """
    石首 学院 皇帝 政体 主席 世纪 军事 战争 部队 军队 眼睛 铁路 百度 皇上 词条 城邦 敌人 父亲 干部 兄弟 宪法
    儿子 众人 同志 姑娘 武器 市长 大道 师父 人家 动物 总理 女人 导弹 小时 平民 母亲 命令 身体 书记 问道 男人
    海军 心想 又称 决议 女儿 总统 夫人 大陆 职权 大臣 身子 分子 意思 弟子 宗教 将军 政权 遗址 女子 部长 空军
    行使 细胞 小说 妇女 任期 贵族 海拔 条约 衣服 胖子 双手 纺织 常务 寡头 阶级 城楼 妻子 坦克 尚书 校名 山地
    矿产 丈夫 一带 红色 性命 故道 百姓 功夫 皇城 行者 奴隶 桃花 省长 病人 有所 无法 全省 全市 全国 人民 机关
    中央 面积 先生 利用 产生 基本 专门 实际 大量 全部 全面 证明 毕业 化学 数学 生物 植物 电话 飞机 地理 样子
    名字 日子 河流 森林 石油 地球 武装 距离 妈妈 老人 金属 疾病 患者 机器 编辑 记者 代表 领导 时候 人口 民族
    大学 群众 中学 院长 教授 医院 机场 广场 队伍 双方 对方 全体 父母 朋友 同学 老板 医生 学者 作者 国民 老师
    教师 委员 官员 投票 职务 股东 装备 航空 地面 表面 温度 营养 成分 哲学 公民 大会 联系 人类 世界 国家 政治
    学生 工人 农民 电子 化工 原料 产量 品种 粮食 食品 音乐 电影 电视 手机 汽车 文学 艺术 历史 事情 生长
    势力 机械 公路 行政 女性 职工 错误 权力 民主 外交 股份 财产 工业 农业 农村 土地 人物 儿童 货币 大家 人们
    个人 人士 人数 人员 孩子 声音 感觉 人生 方式
    """
)
VERBAL_NOUN_STOP = _split(
    """
    革命 斗争 战斗 审判 犯罪 反动 防空 射击 抵抗 屠杀 反潜 搏斗 抗击 世袭 变法 反攻 清蒸 混战 生殖 发育 遗传
    栽培 灌溉 耕作 养殖 生理 消化 微笑 对付 检察 诉讼 监利 驻外 建工 活塞 定理 发信 比作 整整 预付 常设 勘探
    考古 审理 仲裁 有关 统一 生命 体育 联赛 考研 教练 防务 发作 突击 谈谈 试试 合理 自动 免费 优先 被动 冲动
    生动 预先 定期 变量 假设 对应 束缚 摩擦 遗留 管制 裁判 犯规 失利 服用 游泳 生育 震动 振动 猜测 应付 分化
    支配 反应 谈话 出售 混合 教训 普查 测量 循环 临床 讲究 流传 援助 观测 助理 印刷 重修 改组 合资 竞选 运算
    合计 调和 反响 威胁 运动 胜利 劳动 发动 行动 考试 比赛 训练 战斗 旅游 娱乐 射击 演练 施展 冲破 游览 谈论
    审美 传输 发电 投产 劳务 预报 救援 调研 评审 研讨 消毒 监控 工资 经费 服装 设备 出口 进口 加工 运输
    遗产 违法 惩罚 旅行 冲突 污染 亏损
    """
)
VERB_KEEP = _split(
    """
    进行 组织 形成 建立 提出 举行 提高 提供 完成 准备 增加 获得 实现 执行 解决 保护 制定 学习 采用 取得 了解
    控制 选择 加强 支持 处理 实施 接受 保持 坚持 改变 开发 采取 保证 介绍 应用 考虑 结合 完善 安排 发布 找到
    恢复 减少 参与 开展 投入 创造 促进 带来 反映 讨论 保障 重视 适应 面对 发挥 培养 理解 维护 公布 体现 掌握
    突出 修改 关注 推进 推动 满足 降低 配合 增强 改善 吸收 协调 承担 抓住 争取 推出 寻找 扩大 发现 使用 统计
    """
)
ADJECTIVE_KEEP = _split(
    """
    重要 不同 先进 重大 丰富 成功 严重 明显 清楚 稳定 广泛 巨大 有效 特殊 简单 复杂 良好 健康 优秀 强烈 紧张
    完整 平衡 强大 成熟 方便 独特 激烈 有限 显著 准确 常见 沉重 合适 有利 繁荣 轻松 热烈 平静 频繁 艰难 精细
    清晰 紧密 庞大 和谐 鲜明 精美 完美 美好 有趣 灵活 罕见 曲折 浓厚 温和 惊人 杰出 精确 严峻 坚定 充足 均匀
    深远 艰苦 高效 深厚 谨慎 冷静 剧烈 优越 便利
    """
)
ADVERB_KEEP = _split(
    """
    已经 一直 不断 逐渐 共同 长期 仍然 更加 立即 再次 逐步 始终 经常 纷纷 相继 初步 依然 渐渐 率先
    完全 直接 迅速 正式 积极 努力 充分 明确 普遍 公开 严格 认真 彻底 密切 坚决 仔细 顺利 切实 快速
    """
)


@dataclass(frozen=True)
class Lexicon:
    """Pools of generic words by slot: n, vn, v, a, d."""

    pools: dict[str, Pool]

    def draw(self, slot: str, rng: random.Random) -> str:
        return self.pools[slot].draw(rng)


def dictionary_path() -> str:
    return os.path.join(os.path.dirname(jieba.__file__), "dict.txt")


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """Read jieba's dictionary once per process (~0.2 s) and build the pools."""
    by_pos: dict[str, list[tuple[int, str]]] = {}
    wanted = {"n", "vn", "v", "a", "d", "ad"}
    with open(dictionary_path(), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3 or parts[2] not in wanted:
                continue
            word, freq, pos = parts
            # Two-character words are the backbone of written Chinese and read naturally in any slot.
            if len(word) == 2 and all(COMMON_HAN.fullmatch(ch) for ch in word):
                by_pos.setdefault(pos, []).append((int(freq), word))

    def ranked(pos: str) -> list[tuple[int, str]]:
        # Ties broken by the word itself, so the pools never depend on file order.
        return sorted(by_pos.get(pos, []), key=lambda fw: (-fw[0], fw[1]))

    def band(pos: str, top: int, stop: frozenset[str]) -> list[tuple[int, str]]:
        return [fw for fw in ranked(pos)[:top] if fw[1] not in stop]

    def keep(pos_list: tuple[str, ...], keep: frozenset[str]) -> list[tuple[int, str]]:
        seen: dict[str, int] = {}
        for pos in pos_list:
            for freq, word in ranked(pos):
                if word in keep:
                    seen[word] = max(freq, seen.get(word, 0))
        return sorted(((f, w) for w, f in seen.items()), key=lambda fw: (-fw[0], fw[1]))

    pools = {
        "n": band("n", 450, NOUN_STOP),
        "vn": band("vn", 220, VERBAL_NOUN_STOP),
        "v": keep(("v", "vn"), VERB_KEEP),
        "a": keep(("a",), ADJECTIVE_KEEP),
        "d": keep(("d", "ad"), ADVERB_KEEP),
    }
    return Lexicon({slot: _pool(words) for slot, words in pools.items()})


def _pool(freq_words: list[tuple[int, str]]) -> Pool:
    if not freq_words:
        raise RuntimeError(f"jieba dictionary at {dictionary_path()} yielded an empty word pool")
    cum: list[float] = []
    total = 0.0
    for freq, _ in freq_words:
        total += math.sqrt(freq)
        cum.append(total)
    return Pool(tuple(w for _, w in freq_words), tuple(cum))

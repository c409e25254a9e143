"""Hand-written vocabulary for demo 跟帖 (tidings.demo.comments): comment and reply shapes,
reader nicknames, and where readers are (IP属地).

Everything here was written for Tidings (no pasted text). Templates use the article slots of
tidings.demo.words ({k} {k2} {K} keywords of the article's topic, {place} the article's city, {pct}
{num} {big} {year} {role}), filled by the same tidings.demo.text.Filler, plus two of their own,
replaced before the filler runs:
    {home}   where the commenter is (their IP属地: "广东", "美国"; Chinese templates only)
    {floor}  a floor number in the chain being answered (盖楼 jokes)
"""

from __future__ import annotations

# ---------------------------------------------------------------- Chinese, top-level comments
# Reactions to the article itself: opinions, experience, doubts, requests.
TOP = (
    "{k}这事说到底还是要看落实，别又是一阵风。",
    "我们{home}去年也讨论过{k}，开了好几次会，后来就没下文了。",
    "说得轻巧，{k}真落到普通人头上哪有这么简单。",
    "文章写得挺实在，{k}这块确实该好好说说。",
    "看完最关心的还是{k2}，希望作者再写一篇。",
    "{pct}这个数字怎么算出来的？感觉和身边的情况对不上。",
    "这才是认真做的报道，比那些标题党强多了。",
    "{k}的问题早该重视了，{k2}也得一起解决。",
    "本人就在{place}，说两句：{k}这事确实有人在管，不过进度慢。",
    "又是{k}，能不能来点新角度。",
    "关键还是钱从哪里来，{k}这种事不是喊口号就行的。",
    "建议收藏，{k}的几个要点写得很清楚。",
    "每次看到{k}的新闻都挺感慨，{num}年前哪敢想。",
    "标题有点夸张了，内容还行。",
    "终于有人把{k}讲明白了。",
    "有没有懂行的讲讲，{k}和{k2}到底什么关系？",
    "{place}的朋友说说，实际情况是这样吗？",
    "我家就在{place}，{k}这两年变化确实挺大。",
    "说实话，{k}对我们{home}这种地方影响不大。",
    "{k}说了这么多年，{k2}还是老样子。",
    "文中那位{role}说得在理，{k}不能一刀切。",
    "图片拍得不错，就是文章有点长，建议出个视频版。",
    "看评论比看文章有意思。",
    "前几年谁能想到{k}能做到这个程度。",
    "希望{k}别只是试点，早点推到全国。",
    "作为过来人提醒一句：{k}之前一定要先弄清楚{k2}。",
    "这种事情还得一步一步来，急不来。",
    "数据很扎实，结论我保留意见。",
    "我们单位上个月刚开会讨论{k}，没想到这么快就上新闻了。",
    "关注{k}是好事，就怕最后变成形式主义。",
    "转给家里人看了，{k2}那段尤其有用。",
    "{year}年还在讨论{k}，说明问题确实不好解决。",
    "有一说一，这次{k}的力度比以前大。",
    "写得用心，作者辛苦了。",
    "不懂就问：{k}跟我们普通人有什么关系？",
    "看标题进来的，{k}这事我持保留态度。",
    "这篇比上次那篇讲{k}的清楚多了。",
    "{k}要是能理顺，{k2}的问题也就好办了。",
    "在{home}看到这篇，感觉{k}的思路可以借鉴。",
    "已经转发到家族群了。",
    "希望相关部门能看到这篇文章。",
    "文章里提到的{big}，到底是怎么统计的？",
    "作者对{k}很了解，关注了。",
    "反正我是第一次听说{k}。",
    "早就该这么做了，{k}这事拖了太久。",
)
# Short reactions, on any article.
SHORT = (
    "支持", "顶", "说得好", "沙发", "前排", "路过", "学习了", "有道理", "希望是真的", "关注一下",
    "mark一下", "先赞后看", "好文", "坐等后续", "涨知识了", "呵呵", "真不容易", "期待", "赞一个",
    "收藏了", "确实", "难说", "看看再说", "挺好的",
)  # fmt: skip

# ---------------------------------------------------------------- Chinese, replies by intent
AGREE = (
    "同意，{k}确实是这样。",
    "说到点子上了。",
    "+1，我们{home}也是这个情况。",
    "正解。",
    "顶你上去！",
    "同感，尤其是{k}那部分。",
    "你说的我都经历过。",
    "这条应该放热门。",
    "一针见血。",
    "赞同，{k2}也是同样的道理。",
    "说得太对了，{k}就是缺这个。",
    "补一个赞，讲得比文章还清楚。",
)
DISAGREE = (
    "不敢苟同，{k}没你说的那么简单。",
    "你这是没去过{place}吧？",
    "太悲观了，{k}这几年明显好多了。",
    "不是这样的，我们{home}早就在关注{k}了。",
    "抬杠没意思，看数据：{pct}。",
    "理性讨论，别扣帽子。",
    "照你这么说，{k2}也不用搞了？",
    "你说的是个别情况，不能代表全部。",
    "这话有点片面，{k}各地差别很大。",
    "我不太同意，{k}的问题不在钱，在人。",
    "想法是好的，但现实没这么理想。",
)
ASK = (
    "请问{k}这块有没有靠谱的资料推荐？",
    "你是{place}的吗？",
    "有出处吗？想看看原文。",
    "具体是哪个部门管？",
    "真的假的？",
    "那{k2}呢？",
    "你说的{k}是指哪一块？",
    "求科普，{k}跟以前有什么区别？",
    "我们{home}也有类似情况吗？",
    "那我们这种情况怎么办？",
)
FACT = (
    "补充一下：{place}前几年就开始研究{k}了，{num}个月就出了方案。",
    "纠正一下，文中说的{pct}是去年的数据。",
    "{place}那边我去过，{k}确实有变化。",
    "据我所知，{k}这块现在有专门的人在管了。",
    "补充一点，{k2}也在同步推进，只是报道少。",
    "我在{home}，这边{k}已经讨论好几年了。",
    "说个细节：{k}相关的事要先去社区登记，很多人不知道。",
    "查了一下，全国大概有{big}人受影响。",
    "我就是做这行的，{k}最难的是{k2}。",
)
# 盖楼: the jokes that grow with a chain.
JOKE = (
    "楼上说得对",
    "楼上的楼上说得对",
    "{floor}楼说得对",
    "我就静静地看你们盖楼",
    "这楼盖得真高",
    "楼上几位都是人才",
    "前面几层都说得对",
    "盖楼的别走，我也来添一层",
    "此楼已成精",
    "为楼上点赞",
    "我是来看楼的",
    "楼越盖越歪了",
    "评论区比文章精彩系列",
    "{floor}楼是认真的吗",
    "已截图，坐等楼主回复",
)
# Occasional endings (emoji are fine in comments).
TAILS = ("", "", "", "", "", "", "", "", "👍", "😂", "🤔", "😅", "🙏", "哈哈", "。。。", "！")

# ---------------------------------------------------------------- English
TOP_EN = (
    "The part about {k} is the bit that matters. Will anything change?",
    "Lived near {place} for years, and {k} [is|are] long overdue.",
    "Good piece. Would love a follow-up on {k2}.",
    "Where does the {pct} figure come from?",
    "Finally someone explains {k} without the hype.",
    "{K} [sounds|sound] great on paper. The real test is next year.",
    "Interesting read, though I think {k2} deserves more attention.",
    "We tried something like {k} in my city. Mixed results, honestly.",
    "Sharing this with my parents, the section on {k} is useful.",
    "Not convinced yet, but the numbers are a good start.",
    "Who pays for {k}? That question is missing here.",
    "Clear and balanced. More of this, please.",
)
SHORT_EN = ("Great read.", "Bookmarked.", "This.", "Thanks for writing this.", "Interesting.", "Well said.")
AGREE_EN = (
    "Agreed. {K} [has|have] been the problem for years.",
    "Exactly this.",
    "Same here where I live.",
    "Couldn't have said it better.",
    "Yes, and {k2} is the same story.",
)
DISAGREE_EN = (
    "Not sure about that, {k} [is|are] more complicated.",
    "Have you actually been to {place}?",
    "That's one way to read it, but the data says otherwise.",
    "Too pessimistic. {K} [has|have] improved a lot.",
)
ASK_EN = ("Source?", "Do you mean {k} or {k2}?", "Is that true outside {place} too?", "What changed since last year?")
FACT_EN = (
    "For what it's worth, {place} started on {k} in {year}.",
    "Small correction: the {pct} figure is last year's.",
    "I work in this field. The hard part of {k} is {k2}.",
)
JOKE_EN = (
    "Floor {floor} gets it.",
    "Came for the article, stayed for this thread.",
    "This thread is taller than the article.",
    "Everyone above is right.",
)
TAILS_EN = ("", "", "", "", "", "", " :)", "!", " 👍")

# ---------------------------------------------------------------- nicknames
NICK_SUFFIXES = (
    "老张", "小李", "网友", "打工人", "吃瓜群众", "老司机", "宝妈", "退休教师", "小王同学", "大叔", "阿姨",
    "上班族", "码农", "学生党", "老股民", "球迷", "书虫", "骑手", "奶爸", "老乡",
)  # fmt: skip
NICK_HABITS = (
    "爱喝茶", "不吃香菜", "早起", "熬夜", "快乐", "安静", "爱跑步", "会做饭", "不爱说话", "路过", "认真", "迷路",
    "爱钓鱼", "想睡觉", "在加班", "会画画",
)  # fmt: skip
NICK_THINGS = (
    "猫", "小鱼", "熊猫", "土豆", "橘子", "兔子", "老狗", "鲸鱼", "仓鼠", "刺猬", "小蜜蜂", "咸鱼", "蜗牛", "石头",
)  # fmt: skip
NICK_LATIN = (
    "momo", "tiger", "lucky", "sunny", "kevin", "alan", "coco", "leo", "amy", "echo", "jack", "ray", "mia", "zoe",
)  # fmt: skip
NICK_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# ---------------------------------------------------------------- IP属地
# Mainland provinces as IP属地 shows them, weighted by the 2020 census population (万人).
PROVINCES = (
    ("广东", 12601), ("山东", 10153), ("河南", 9937), ("江苏", 8475), ("四川", 8367), ("河北", 7461),
    ("湖南", 6644), ("浙江", 6457), ("安徽", 6103), ("湖北", 5775), ("广西", 5013), ("云南", 4721),
    ("江西", 4519), ("辽宁", 4259), ("福建", 4154), ("陕西", 3953), ("贵州", 3856), ("山西", 3492),
    ("重庆", 3205), ("黑龙江", 3185), ("新疆", 2585), ("甘肃", 2502), ("上海", 2487), ("吉林", 2407),
    ("内蒙古", 2405), ("北京", 2189), ("天津", 1387), ("海南", 1008), ("宁夏", 720), ("青海", 592),
    ("西藏", 365),
)  # fmt: skip
# Beyond the mainland: shares of all readers (per cent), the rest being the mainland.
ELSEWHERE = (("香港", 1.2), ("台湾", 0.6), ("澳门", 0.2), ("未知", 0.3))
ABROAD_SHARE = 2.5  # per cent of readers outside China, spread over COUNTRIES by weight
COUNTRIES = (
    ("美国", 30), ("日本", 12), ("加拿大", 10), ("澳大利亚", 10), ("英国", 9), ("新加坡", 8), ("德国", 6),
    ("韩国", 5), ("马来西亚", 4), ("法国", 3), ("新西兰", 3),
)  # fmt: skip
